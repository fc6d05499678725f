package org.sorcen.train.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The images a token dataset's ids were made from, split as {@code tokenize} split them: one rule
 * for the tokenizer that writes the dataset and for the raw-pixel reference point that is read
 * beside it, so the pixels and the ids describe the same rows.
 */
public final class SourceImages {
  private SourceImages() {}

  /**
   * The source's splits (grayscale); when it has no 'test' split and {@code heldOut} > 0, the last
   * {@code heldOut} training images become 'test'.
   */
  public static Map<String, ImageSet> read(Path images, List<String> classNames, int heldOut) {
    return read(images, classNames, heldOut, 1);
  }

  /**
   * The same split in {@code channels} (1 grey, 3 RGB: a colour tokenizer's; an image folder's
   * colour files keep their colour, IDX files are grey).
   */
  public static Map<String, ImageSet> read(
      Path images, List<String> classNames, int heldOut, int channels) {
    Map<String, ImageSet> splits =
        new LinkedHashMap<>(ImageSources.read(images, classNames, channels));
    if (!splits.containsKey("test") && heldOut > 0) {
      ImageSet all = splits.get("train");
      if (heldOut >= all.count()) {
        throw new DataException(
            "--held-out " + heldOut + " leaves no training images of " + all.count());
      }
      splits.put("train", ImageSources.slice(all, 0, all.count() - heldOut));
      splits.put("test", ImageSources.slice(all, all.count() - heldOut, all.count()));
    }
    return splits;
  }

  /** What a manifest records of {@code images} for a dataset written to {@code datasetDir}. */
  public static DatasetManifest.Source describe(Path datasetDir, Path images, int heldOut) {
    DatasetManifest.Source s = new DatasetManifest.Source();
    Path dir = datasetDir.toAbsolutePath().normalize();
    Path img = images.toAbsolutePath().normalize();
    // Relative when it can be, so a dataset moved together with its images still finds them.
    s.images =
        dir.getRoot() != null && dir.getRoot().equals(img.getRoot())
            ? dir.relativize(img).toString()
            : img.toString();
    s.heldOut = heldOut;
    return s;
  }

  /**
   * The dataset's source images by split, or null with the reason in {@code why[0]}: the manifest
   * names none, they are no longer there, or their counts differ from the dataset's records.
   */
  public static Map<String, ImageSet> of(TokenDataset data, String[] why) {
    DatasetManifest.Source s = data.manifest().source;
    if (s == null || s.images == null) {
      why[0] = data.dir().resolve(DatasetManifest.FILE) + " names no source images";
      return null;
    }
    Path images = data.dir().resolve(s.images).normalize();
    if (!Files.isDirectory(images)) {
      why[0] = "the source images " + images + " are not there";
      return null;
    }
    Map<String, ImageSet> splits =
        read(
            images,
            data.manifest().classNames.isEmpty() ? null : data.manifest().classNames,
            s.heldOut);
    for (var e : data.manifest().splits.entrySet()) {
      ImageSet set = splits.get(e.getKey());
      if (set == null || set.count() != e.getValue().records) {
        why[0] =
            images
                + " has "
                + (set == null ? "no" : set.count())
                + " images for split '"
                + e.getKey()
                + "' where the dataset has "
                + e.getValue().records
                + " records";
        return null;
      }
    }
    return splits;
  }
}

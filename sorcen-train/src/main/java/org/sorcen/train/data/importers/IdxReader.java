package org.sorcen.train.data.importers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/** Reads MNIST-style IDX files (uint8 images N×H×W and uint8 labels N), gzipped or not. */
public final class IdxReader {
  private static final int LABELS_HEADER = 8;

  private IdxReader() {}

  /**
   * Grayscale images (channels 1) with their labels, or −1 labels when {@code labelsOrNull} is
   * null. A non-empty {@code classNames} (may be null) bounds the labels: each must index it.
   */
  public static ImageSet read(Path images, Path labelsOrNull, List<String> classNames) {
    List<String> names = classNames == null ? List.of() : List.copyOf(classNames);
    IdxArray image = IdxArray.read(images, 3, "uint8 images N×H×W");
    int count = image.dims()[0];
    long[] labels = new long[count];
    if (labelsOrNull == null) {
      Arrays.fill(labels, -1);
    } else {
      byte[] values = IdxArray.read(labelsOrNull, 1, "uint8 labels N").values();
      if (values.length != count) {
        throw new DataException(
            labelsOrNull
                + " holds "
                + values.length
                + " labels but "
                + images
                + " holds "
                + count
                + " images: pass the label file of the same split");
      }
      for (int i = 0; i < count; i++) {
        labels[i] = values[i] & 0xFF;
        if (!names.isEmpty() && labels[i] >= names.size()) {
          throw new DataException(
              labelsOrNull
                  + ": label "
                  + labels[i]
                  + " of record "
                  + i
                  + " (offset "
                  + (LABELS_HEADER + i)
                  + ") is outside the "
                  + names.size()
                  + " class names (0.."
                  + (names.size() - 1)
                  + "): pass the full class list or fix the label file");
        }
      }
    }
    return new ImageSet(count, image.dims()[1], image.dims()[2], 1, image.values(), labels, names);
  }
}

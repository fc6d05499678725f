package org.sorcen.train.data.importers;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/** Writes grayscale images and their labels as gzipped IDX files (the MNIST format), atomically. */
public final class IdxWriter {
  private IdxWriter() {}

  public static void write(ImageSet images, Path imagesFile, Path labelsFile) {
    if (images.channels() != 1) {
      throw new DataException(
          "IDX holds grayscale images; these have " + images.channels() + " channels");
    }
    writeAtomically(
        imagesFile,
        out -> {
          out.writeInt(0x00000803);
          out.writeInt(images.count());
          out.writeInt(images.height());
          out.writeInt(images.width());
          out.write(images.pixels());
        });
    writeAtomically(
        labelsFile,
        out -> {
          out.writeInt(0x00000801);
          out.writeInt(images.count());
          for (long l : images.labels()) {
            if (l < 0 || l > 255) {
              throw new DataException(
                  "IDX labels are bytes; label " + l + " cannot be written to " + labelsFile);
            }
            out.writeByte((int) l);
          }
        });
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static void writeAtomically(Path file, Body body) {
    AtomicFiles.write(
        file,
        raw -> {
          GZIPOutputStream gz = new GZIPOutputStream(raw);
          DataOutputStream out = new DataOutputStream(gz);
          body.write(out);
          out.flush();
          gz.finish();
        });
  }
}

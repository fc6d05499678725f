package org.sorcen.train.data.importers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.sorcen.graph.weights.Echo;
import org.sorcen.graph.weights.RegularFile;
import org.sorcen.train.data.DataException;

/**
 * The bytes of a file, gunzipped when it starts with the gzip magic 1f 8b. The content decides, not
 * the name: browsers and some tools unpack "x.gz" without renaming it, others gzip without ".gz".
 */
record MaybeGzipped(byte[] bytes, boolean gzipped) {
  /** Largest array the JVM hands out, with a margin. */
  private static final int MAX_BYTES = Integer.MAX_VALUE - 16;

  static MaybeGzipped read(Path file) {
    RegularFile.require(file, DataException::new); // before opening it: a FIFO would block
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      if (!gzipped) {
        return new MaybeGzipped(raw.readAllBytes(), false);
      }
      try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
        byte[] bytes = in.readNBytes(MAX_BYTES);
        if (in.read() != -1) {
          throw new DataException(
              file
                  + " gunzips to more than "
                  + MAX_BYTES
                  + " bytes, more than one Java array"
                  + " holds: not an IDX file this reader can take");
        }
        return new MaybeGzipped(bytes, true);
      } catch (IOException e) {
        // ZipException for bad data or CRC, EOFException for a stream cut short.
        throw new DataException(
            file
                + " is a corrupt gzip stream ("
                + Echo.text(String.valueOf(e.getMessage()))
                + "): download it again (gzip -t "
                + file.getFileName()
                + " tests it)",
            e);
      }
    } catch (NoSuchFileException e) {
      throw new DataException(file + " does not exist", e);
    } catch (IOException e) {
      throw new DataException(
          "cannot read " + file + ": " + Echo.text(String.valueOf(e.getMessage())), e);
    }
  }
}

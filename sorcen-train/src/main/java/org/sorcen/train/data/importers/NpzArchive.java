package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.sorcen.graph.weights.Echo;
import org.sorcen.train.data.DataException;

/**
 * A .npz: a zip of .npy members, stored (np.savez) or deflated (np.savez_compressed). Members are
 * named as numpy names them, without ".npy": np.savez(f, tokens=a) holds "tokens".
 */
final class NpzArchive implements AutoCloseable {
  private final Path file;
  private final ZipFile zip;
  private final Map<String, ZipEntry> members = new TreeMap<>();

  private NpzArchive(Path file, ZipFile zip) {
    this.file = file;
    this.zip = zip;
    zip.stream()
        .filter(e -> !e.isDirectory())
        .forEach(e -> members.put(e.getName().replaceFirst("\\.npy$", ""), e));
  }

  /** True when {@code file} starts like a zip (a local file header, or the end record of an empty zip). */
  static boolean isZip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] start = in.readNBytes(4);
      return Arrays.equals(start, new byte[] {'P', 'K', 3, 4})
          || Arrays.equals(start, new byte[] {'P', 'K', 5, 6});
    } catch (IOException e) {
      throw NpyReader.unreadable(file, e);
    }
  }

  static NpzArchive open(Path file) {
    try {
      return new NpzArchive(file, new ZipFile(file.toFile()));
    } catch (ZipException e) {
      throw new DataException(
          file
              + " starts like a zip (.npz) but is not a readable one ("
              + Echo.text(String.valueOf(e.getMessage()))
              + "): the file is damaged or cut short",
          e);
    } catch (IOException e) {
      throw NpyReader.unreadable(file, e);
    }
  }

  /** Member names, sorted. */
  Set<String> names() {
    return members.keySet();
  }

  <T> T read(String name, ArrayReader<T> reader) {
    ZipEntry entry = members.get(name);
    String where = file + " member " + Echo.text(entry.getName());
    try (InputStream in = zip.getInputStream(entry)) {
      return reader.read(in, where);
    } catch (IOException e) {
      // Bad deflate data surfaces as ZipException, deflate data cut short as EOFException.
      throw new DataException(
          where
              + " is corrupt ("
              + Echo.text(String.valueOf(e.getMessage()))
              + "): write the .npz again",
          e);
    }
  }

  @Override
  public void close() {
    try {
      zip.close();
    } catch (IOException e) {
      // Nothing was written; a failed close loses nothing.
    }
  }
}

package org.sorcen.train.data.importers;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.sorcen.graph.weights.Echo;
import org.sorcen.graph.weights.RegularFile;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenArrays;

/**
 * Reads token ids written by a PyTorch/NumPy pipeline: a .npy of shape N×L or N×G×G (C order,
 * integer dtype), or a .npz holding such an array plus optional labels. The ids' upper bound is
 * not checked here: only the dataset writer knows the codebook size.
 */
public final class NpyReader {
  private NpyReader() {}

  /** The rows of a token array, flattened to L = G·G ids each. */
  private record Grid(String where, int count, int seqLen, long[] ids) {}

  /**
   * Tokens from a .npy or .npz (told apart by content). In a .npz the tokens are the member
   * "tokens", else "ids", else the only member other than "labels"; a "labels" member gives the
   * labels. {@code labelsNpyOrNull} (a .npy, or a .npz with "labels" or a single member) gives them
   * otherwise; without either, labels are −1. Class names are left empty.
   */
  public static TokenArrays readTokens(Path npyOrNpz, Path labelsNpyOrNull) {
    RegularFile.require(npyOrNpz, DataException::new);
    if (labelsNpyOrNull != null) {
      RegularFile.require(labelsNpyOrNull, DataException::new);
    }
    Grid grid;
    long[] labels = null;
    String labelsWhere = null;
    if (NpzArchive.isZip(npyOrNpz)) {
      try (NpzArchive npz = NpzArchive.open(npyOrNpz)) {
        String member = tokensMember(npyOrNpz, npz.names());
        grid = npz.read(member, NpyReader::readGrid);
        if (!member.equals("labels") && npz.names().contains("labels")) {
          labels = npz.read("labels", (in, where) -> readLabels(in, where, grid));
          labelsWhere = npyOrNpz + " member labels";
        }
      }
    } else {
      grid = readNpy(npyOrNpz, NpyReader::readGrid);
    }
    if (labelsNpyOrNull != null) {
      if (labels != null) {
        throw new DataException(
            "labels come from both "
                + labelsWhere
                + " and "
                + labelsNpyOrNull
                + ": pass only one of them");
      }
      labels = readLabelsFile(labelsNpyOrNull, grid);
    }
    if (labels == null) {
      labels = new long[grid.count()];
      Arrays.fill(labels, -1);
    }
    return new TokenArrays(grid.count(), grid.seqLen(), grid.ids(), labels, List.of());
  }

  private static String tokensMember(Path file, Set<String> names) {
    for (String preferred : List.of("tokens", "ids")) {
      if (names.contains(preferred)) {
        return preferred;
      }
    }
    List<String> others = names.stream().filter(n -> !n.equals("labels")).toList();
    if (others.size() == 1) {
      return others.get(0);
    }
    throw new DataException(
        file
            + " has no member named tokens or ids (members: "
            + members(names)
            + "): save it with np.savez(path, tokens=ids, labels=labels)");
  }

  private static long[] readLabelsFile(Path file, Grid grid) {
    if (!NpzArchive.isZip(file)) {
      return readNpy(file, (in, where) -> readLabels(in, where, grid));
    }
    try (NpzArchive npz = NpzArchive.open(file)) {
      Set<String> names = npz.names();
      if (!names.contains("labels") && names.size() != 1) {
        throw new DataException(
            file
                + " has no member named labels (members: "
                + members(names)
                + "): pass the labels .npy itself");
      }
      return npz.read(
          names.contains("labels") ? "labels" : names.iterator().next(),
          (in, where) -> readLabels(in, where, grid));
    }
  }

  /** The first few member names, each bounded, for a message. */
  private static String members(Set<String> names) {
    List<String> shown = names.stream().limit(5).map(Echo::text).toList();
    return names.isEmpty()
        ? "none"
        : String.join(", ", shown) + (names.size() > 5 ? ", ... (" + names.size() + ")" : "");
  }

  private static <T> T readNpy(Path file, ArrayReader<T> reader) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return reader.read(in, file.toString());
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  static DataException unreadable(Path file, IOException e) {
    return e instanceof NoSuchFileException
        ? new DataException(file + " does not exist", e)
        : new DataException(
            "cannot read " + file + ": " + Echo.text(String.valueOf(e.getMessage())), e);
  }

  private static Grid readGrid(InputStream in, String where) throws IOException {
    NpyHeader h = NpyHeader.read(in, where);
    long[] s = h.shape();
    if (s.length != 2 && s.length != 3) {
      throw new DataException(
          where
              + " has shape "
              + h.shapeText()
              + " (rank "
              + s.length
              + "): tokens must be"
              + " N×L or N×G×G");
    }
    if (s.length == 3 && s[1] != s[2]) {
      throw new DataException(
          where + " has shape " + h.shapeText() + ": an N×G×G token grid must be square");
    }
    long seqLen = s.length == 2 ? s[1] : s[1] * s[2];
    long[] ids = NpyValues.read(in, h);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0) {
        int column = (int) (i % seqLen);
        String cell =
            s.length == 3 ? " (grid y " + column / s[2] + ", x " + column % s[2] + ")" : "";
        throw new DataException(
            where
                + ": token id "
                + ids[i]
                + " at row "
                + i / seqLen
                + ", column "
                + column
                + cell
                + " is negative; ids must be codebook indices >= 0");
      }
    }
    return new Grid(where, (int) s[0], (int) seqLen, ids);
  }

  private static long[] readLabels(InputStream in, String where, Grid grid) throws IOException {
    NpyHeader h = NpyHeader.read(in, where);
    if (h.shape().length != 1) {
      throw new DataException(
          where
              + " has shape "
              + h.shapeText()
              + ": labels must be one per row, shape (N,)"
              + " (use labels.reshape(-1))");
    }
    if (h.shape()[0] != grid.count()) {
      throw new DataException(
          where
              + " holds "
              + h.shape()[0]
              + " labels but "
              + grid.where()
              + " holds "
              + grid.count()
              + " rows of tokens: pass the labels of the same rows");
    }
    long[] labels = NpyValues.read(in, h);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < -1) {
        throw new DataException(
            where
                + ": label "
                + labels[i]
                + " of record "
                + i
                + " is negative; labels are"
                + " class indices >= 0, or -1 for unknown");
      }
    }
    return labels;
  }
}

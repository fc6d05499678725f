package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import org.sorcen.graph.weights.Echo;
import org.sorcen.graph.weights.RegularFile;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenArrays;

/**
 * Reads the precomputed token files of the official MAGE/LEASE pipeline: a {@code torch.save}
 * (torch ≥ 1.6 zip) of a dict with {@code tokens_vqgan} (N, L) or (N, G, G) integer token ids and
 * {@code labels} (N,). {@code tokens_dino} (LEASE's semantic tokens) and any other entry are
 * ignored. The ids' upper bound is not checked here: only the dataset writer knows the codebook size.
 */
public final class TorchTokensReader {
  /** The key of the token ids in an official token file. */
  public static final String TOKENS = "tokens_vqgan";

  /** The key of the labels in an official token file. */
  public static final String LABELS = "labels";

  /** Rows, and ids per row, at most: what one Java array holds. */
  private static final long MAX_ROW = Integer.MAX_VALUE - 16;

  private TorchTokensReader() {}

  /** The rows of a token file and the names of its tensors that were not read (e.g. tokens_dino). */
  public record Tokens(TokenArrays arrays, List<String> ignored) {}

  /** Whether {@code file} is a torch.save file: named .pt/.pth, or a zip holding a {@code data.pkl}. */
  public static boolean isTorchFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".pt") || name.endsWith(".pth")) {
      return true;
    }
    if (!Files.isRegularFile(file) || !NpzArchive.isZip(file)) {
      return false;
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.stream()
          .anyMatch(e -> e.getName().equals("data.pkl") || e.getName().endsWith("/data.pkl"));
    } catch (IOException e) {
      return false; // the .npz reader reports a damaged zip
    }
  }

  /** Token ids and labels (−1 when the file has no {@code labels}) of an official token file. */
  public static Tokens read(Path file) {
    RegularFile.require(file, DataException::new); // before opening it: a FIFO would block
    if (!startsLikeZip(file)) {
      throw new DataException(
          file
              + " is not a torch.save zip archive (torch >= 1.6; a legacy-format file must be"
              + " saved again with torch.save(d, path))");
    }
    try {
      TorchCheckpoint pt = TorchCheckpoint.read(file);
      Map<String, long[]> shapes = pt.shapes();
      long[] s = shapes.get(TOKENS);
      if (s == null) {
        throw new DataException(
            file
                + " has no '"
                + TOKENS
                + "' tensor (its tensors: "
                + names(shapes.keySet())
                + "): an official token file holds tokens_vqgan (N, 256) and labels (N,)");
      }
      if (s.length != 2 && !(s.length == 3 && s[1] == s[2])) {
        throw new DataException(
            file
                + ": "
                + TOKENS
                + " has shape "
                + Echo.text(Arrays.toString(s))
                + " (rank "
                + s.length
                + "): tokens must be N×L or N×G×G");
      }
      // With a 0 among them, the dims' product says nothing about each dim or about G·G.
      long seqLen = s.length == 2 ? s[1] : s[1] <= MAX_ROW ? s[1] * s[2] : Long.MAX_VALUE;
      if (s[0] > MAX_ROW || seqLen > MAX_ROW) {
        throw new DataException(
            file
                + ": "
                + TOKENS
                + " has shape "
                + Arrays.toString(s)
                + ": more rows or ids per"
                + " row than a Java array holds (2^31 - 17)");
      }
      long[] ids = pt.integers(TOKENS);
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] < 0) {
          throw new DataException(
              file
                  + ": "
                  + TOKENS
                  + " id "
                  + ids[i]
                  + " at row "
                  + i / seqLen
                  + ", column "
                  + i % seqLen
                  + " is negative; ids must be codebook indices >= 0");
        }
      }
      int count = Math.toIntExact(s[0]);
      long[] labels = new long[count];
      Arrays.fill(labels, -1);
      long[] ls = shapes.get(LABELS);
      if (ls != null) {
        if (ls.length != 1 || ls[0] != count) {
          throw new DataException(
              file
                  + ": "
                  + LABELS
                  + " has shape "
                  + Echo.text(Arrays.toString(ls))
                  + " but "
                  + TOKENS
                  + " holds "
                  + count
                  + " rows: labels must be (N,), one per row");
        }
        labels = pt.integers(LABELS);
        for (int i = 0; i < labels.length; i++) {
          if (labels[i] < -1) {
            throw new DataException(
                file
                    + ": label "
                    + labels[i]
                    + " of record "
                    + i
                    + " is negative; labels are"
                    + " class indices >= 0, or -1 for unknown");
          }
        }
      }
      List<String> ignored =
          shapes.keySet().stream().filter(k -> !k.equals(TOKENS) && !k.equals(LABELS)).toList();
      return new Tokens(
          new TokenArrays(count, Math.toIntExact(seqLen), ids, labels, List.of()), ignored);
    } catch (WeightsException e) {
      throw new DataException(e.getMessage(), e);
    }
  }

  /** The first few tensor names, each bounded, for a message. */
  private static String names(Set<String> names) {
    List<String> shown = names.stream().limit(5).map(Echo::text).toList();
    return String.join(", ", shown) + (names.size() > 5 ? ", ... (" + names.size() + ")" : "");
  }

  private static boolean startsLikeZip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return TorchCheckpoint.looksLikeZip(in.readNBytes(4));
    } catch (IOException e) {
      throw NpyReader.unreadable(file, e);
    }
  }
}

package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.sorcen.graph.weights.Echo;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.DatasetManifest;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.data.importers.NpyReader;
import org.sorcen.train.data.importers.TorchTokensReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "import",
    description =
        "Import token arrays (.npy/.npz, N×L or N×G×G; int8/16/32/64 or "
            + "uint8/16/32, either byte order) made by another pipeline, e.g. the official PyTorch one, into a token dataset. "
            + "A .pt token file of the official MAGE/LEASE pipeline (torch.save of {'tokens_vqgan': (N, 256), 'labels': (N,)}) "
            + "is read directly; its tokens_dino is ignored.")
final class ImportCommand implements Callable<Integer> {
  /**
   * Classes named 0..K-1 from the largest label, at most: ImageNet-21k has 21,841. A larger label
   * is a damaged file (a 200-byte file can hold the label 2^31 - 2), and its K names would fill memory.
   */
  static final int MAX_DEFAULT_CLASSES = 1 << 16;

  @Option(
      names = "--tokens",
      required = true,
      description =
          "Training token array (.npy, .npz with 'tokens', or "
              + "an official .pt with 'tokens_vqgan' and 'labels').")
  Path tokens;

  @Option(
      names = "--labels",
      description =
          "Labels for --tokens (.npy/.npz), when not inside the .npz; "
              + "not with a .pt, which holds its labels.")
  Path labels;

  @Option(
      names = "--test-tokens",
      description =
          "Held-out token array (.npy, .npz or .pt); its labels via "
              + "--test-labels or inside it.")
  Path testTokens;

  @Option(names = "--test-labels", description = "Labels for --test-tokens.")
  Path testLabels;

  @Option(
      names = "--held-out",
      defaultValue = "0",
      description =
          "Without --test-tokens: move the last N rows "
              + "of --tokens into the 'test' split (default ${DEFAULT-VALUE}).")
  int heldOut;

  @Option(
      names = "--codebook-size",
      required = true,
      description = "C of the tokenizer that made the ids.")
  int codebookSize;

  @Option(
      names = "--class-names",
      split = ",",
      description =
          "Comma-separated class names, label i = name i. "
              + "Default: 0..K-1 from the largest label.")
  List<String> classNames;

  @Option(names = "--out", required = true, description = "Dataset directory to create.")
  Path out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--held-out", heldOut, 0);
    Flags.requireAtLeast(spec, "--codebook-size", codebookSize, 1);
    TokenDatasetWriter.requireTarget(out, overwrite); // before reading the arrays
    TokenArrays train = readTokens(tokens, "--tokens", labels, "--labels");
    TokenArrays test =
        testTokens != null
            ? readTokens(testTokens, "--test-tokens", testLabels, "--test-labels")
            : null;
    if (test == null && heldOut > 0) {
      if (heldOut >= train.count()) {
        throw new DataException(
            "--held-out " + heldOut + " leaves no training rows of " + train.count());
      }
      test = slice(train, train.count() - heldOut, train.count());
      train = slice(train, 0, train.count() - heldOut);
    }
    if (train.seqLen() < 1) {
      // A 0x0 grid would be written as a dataset that train refuses only later.
      throw new DataException(
          tokens + ": its rows have no token ids (0 columns); pass an N×L array with L ≥ 1");
    }
    int grid = (int) Math.round(Math.sqrt(train.seqLen()));
    if (grid * grid != train.seqLen()) {
      throw new DataException(
          tokens + ": rows of " + train.seqLen() + " ids are not a square grid");
    }
    long maxLabel = Math.max(max(train.labels()), test != null ? max(test.labels()) : -1);
    if (classNames == null && maxLabel >= MAX_DEFAULT_CLASSES) {
      throw new DataException(
          "label "
              + maxLabel
              + " would make "
              + Echo.text(Long.toString(maxLabel + 1))
              + " classes 0.."
              + maxLabel
              + ", more than the "
              + MAX_DEFAULT_CLASSES
              + " named without --class-names: fix"
              + " the labels, or pass --class-names if there are really that many classes");
    }
    List<String> names =
        classNames != null
            ? classNames
            : IntStream.rangeClosed(0, (int) maxLabel).mapToObj(Integer::toString).toList();
    if (maxLabel >= names.size()) {
      throw new DataException(
          "label " + maxLabel + " has no name among the " + names.size() + " --class-names");
    }
    List<TokenDatasetWriter.SplitRows> splits = new ArrayList<>();
    splits.add(new TokenDatasetWriter.SplitRows("train", train));
    if (test != null) {
      splits.add(new TokenDatasetWriter.SplitRows("test", test));
    }
    DatasetManifest m =
        TokenDatasetWriter.write(out, grid, codebookSize, names, null, splits, overwrite);
    System.out.printf(
        "wrote %s: %d records (%s), %dx%d grid, C = %d, %d classes%n",
        out, m.records(), m.splits.keySet(), grid, grid, codebookSize, names.size());
    return 0;
  }

  /** A .npy/.npz through {@link NpyReader}, or an official .pt token file, which brings its own labels. */
  private static TokenArrays readTokens(
      Path file, String flag, Path labelsFile, String labelsFlag) {
    if (!TorchTokensReader.isTorchFile(file)) {
      return NpyReader.readTokens(file, labelsFile);
    }
    if (labelsFile != null) {
      throw new DataException(
          labelsFlag
              + " cannot be given with the .pt file "
              + file
              + " of "
              + flag
              + ": its labels come from its own 'labels' tensor");
    }
    TorchTokensReader.Tokens t = TorchTokensReader.read(file);
    if (!t.ignored().isEmpty()) {
      System.out.printf(
          "%s: ignored %s (only %s and %s are imported)%n",
          file, String.join(", ", t.ignored()), TorchTokensReader.TOKENS, TorchTokensReader.LABELS);
    }
    return t.arrays();
  }

  private static long max(long[] v) {
    return Arrays.stream(v).max().orElse(-1);
  }

  static TokenArrays slice(TokenArrays a, int from, int to) {
    return new TokenArrays(
        to - from,
        a.seqLen(),
        Arrays.copyOfRange(a.ids(), from * a.seqLen(), to * a.seqLen()),
        Arrays.copyOfRange(a.labels(), from, to),
        a.classNames());
  }
}

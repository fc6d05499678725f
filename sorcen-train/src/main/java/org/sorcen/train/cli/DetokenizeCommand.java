package org.sorcen.train.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.data.importers.NpyReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "detokenize",
    description = "Draw token grids as images with a tokenizer's decoder.")
final class DetokenizeCommand implements Callable<Integer> {
  @Option(names = "--tokenizer", required = true, description = "Tokenizer SavedModel directory.")
  Path tokenizer;

  @Option(
      names = "--tokens",
      required = true,
      description = "A token dataset directory, or a .npy/.npz array.")
  Path tokens;

  @Option(
      names = "--split",
      defaultValue = "train",
      description = "Dataset split (default ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--count",
      defaultValue = "64",
      description = "Grids to draw (default ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--columns",
      defaultValue = "8",
      description = "Images per row (default ${DEFAULT-VALUE}).")
  int columns;

  @Option(names = "--out", required = true, description = "PNG file to write.")
  Path out;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--count", count, 1);
    Flags.requireAtLeast(spec, "--columns", columns, 1);
    TokenArrays rows =
        Files.isDirectory(tokens)
            ? TokenDataset.open(tokens).readAll(split)
            : NpyReader.readTokens(tokens, null);
    try (Tokenizer tok = Tokenizer.load(tokenizer)) {
      if (rows.seqLen() != tok.spec().seqLen()) {
        throw new DataException(
            tokens
                + " has rows of "
                + rows.seqLen()
                + " ids; the tokenizer's grid needs "
                + tok.spec().seqLen());
      }
      int n = Math.min(count, rows.count());
      byte[] pixels = tok.decode(Arrays.copyOf(rows.ids(), n * rows.seqLen()), n);
      int s = tok.spec().outputSize();
      ImageGrid.write(
          out,
          new ImageSet(n, s, s, tok.spec().channels(), pixels, new long[n], rows.classNames()),
          n,
          columns,
          2);
      System.out.printf("wrote %s: %d images%n", out, n);
    }
    return 0;
  }
}

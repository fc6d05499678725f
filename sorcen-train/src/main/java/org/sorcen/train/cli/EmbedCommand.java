package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sorcen.train.embed.FolderEmbedding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "embed",
    description =
        "Embed a folder of JPEG/PNG images (recursively, sorted by relative path) with "
            + "an exported image encoder into a float32 .npy [N, D] and a .txt listing each row's file.")
final class EmbedCommand implements Callable<Integer> {
  @Option(
      names = "--encoder",
      required = true,
      description = "An exported sorcen-image-encoder/<N> directory.")
  Path encoder;

  @Option(
      names = "--images",
      required = true,
      description = "Folder of .png/.jpg/.jpeg files, searched recursively.")
  Path images;

  @Option(
      names = "--out",
      required = true,
      description = "The .npy file to write; the file names go to the same " + "name with .txt.")
  Path out;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Images per call (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--force", description = "Replace --out if it exists.")
  boolean force;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--batch", batch, 1);
    int n =
        FolderEmbedding.run(
            new FolderEmbedding.Request(encoder, images, out, batch, force), System.err);
    System.out.printf(
        "wrote %s: %d embeddings; file names in %s%n", out, n, FolderEmbedding.sidecar(out));
    return 0;
  }
}

package org.sorcen.train.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.export.ModelExport;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.tokenizer.Tokenizer;

/**
 * A finished run's SavedModels under {@code runs/NAME/savedmodels/<model>/<final step>/}: encoder,
 * generator and, with a tokenizer, the image generator. `./sorcen export` writes them wherever TF
 * Serving should find them.
 */
public final class RunExport {
  private RunExport() {}

  /** The version directory of {@code model} for this step. */
  public static Path dir(Path runDir, String model, long step) {
    return runDir.resolve("savedmodels").resolve(model).resolve(Integer.toString(version(step)));
  }

  /** Exports what is not there yet; returns the directories written. */
  public static List<Path> exportFinal(SorcenConfig cfg, Path runDir, Path checkpoint, Path tokenizer) {
    long step = Checkpoints.readSidecar(checkpoint).step();
    Path root = runDir.resolve("savedmodels");
    List<Path> written = new ArrayList<>();
    if (Files.exists(dir(runDir, ModelExport.ENCODER, step))) {
      return written;
    }
    Path prefix = Checkpoints.prefix(checkpoint);
    int version = version(step);
    written.add(ModelExport.encoder(cfg, prefix, root, version));
    written.add(ModelExport.generator(cfg, prefix, root, version));
    if (tokenizer != null) {
      try (Tokenizer t = Tokenizer.load(tokenizer)) {
        written.add(ModelExport.imageGenerator(cfg, prefix, t.config(), tokenizer, root, version));
      }
    }
    return written;
  }

  private static int version(long step) {
    return (int) Math.min(Integer.MAX_VALUE, step);
  }
}

package org.sorcen.train.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.export.ModelExport;
import org.sorcen.export.VersionSet;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.tokenizer.Tokenizer;

/**
 * The SavedModels of a run, written as one {@link VersionSet} (all or none): encoder, generator
 * and, with a tokenizer, the tokenizer itself and the image generator. At the end of training they
 * go under {@code runs/NAME/savedmodels/<model>/<final step>/}; `./sorcen export` writes them
 * wherever TF Serving should find them.
 */
public final class RunExport {
  private RunExport() {}

  /** The version directory of {@code model} for this step. */
  public static Path dir(Path runDir, String model, long step) {
    return runDir.resolve("savedmodels").resolve(model).resolve(Integer.toString(version(step)));
  }

  /** The models a run exports from {@code checkpoint}, in order. */
  public static List<VersionSet.Member> models(SorcenConfig cfg, Path checkpoint, Path tokenizer) {
    Path prefix = Checkpoints.prefix(checkpoint);
    List<VersionSet.Member> out = new ArrayList<>(List.of(ModelExport.encoderModel(cfg, prefix),
        ModelExport.generatorModel(cfg, prefix)));
    if (tokenizer != null) {
      TokenizerConfig tc;
      try (Tokenizer t = Tokenizer.load(tokenizer)) {
        tc = t.config();
      }
      out.add(ModelExport.tokenizerModel(tokenizer));
      out.add(ModelExport.imageGeneratorModel(cfg, prefix, tc, tokenizer));
    }
    return out;
  }

  /**
   * The end-of-run export: writes the set under the checkpoint's step unless it is complete there
   * already (a run interrupted during its export completes it when run again). Returns the
   * directories written.
   */
  public static List<Path> ensure(SorcenConfig cfg, Path runDir, Path checkpoint, Path tokenizer) {
    long step = Checkpoints.readSidecar(checkpoint).step();
    return VersionSet.ensure(runDir.resolve("savedmodels"), version(step), models(cfg, checkpoint, tokenizer));
  }

  /** Versions are positive integers; a checkpoint at step 0 (no training) still exports as 1. */
  private static int version(long step) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, step));
  }
}

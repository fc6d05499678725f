package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.train.pretrain.Run;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    description =
        "Export a run's encoder and generator as SavedModels for TF Serving "
            + "(<out>/sorcen-encoder/<N>/, <out>/sorcen-generator/<N>/; with a tokenizer also <out>/sorcen-tokenizer/<N>/"
            + ", <out>/sorcen-image-generator/<N>/ and <out>/sorcen-image-encoder/<N>/), or verify an exported model.")
final class ExportCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(
        names = "--run",
        description = "Run directory to export (its config.json and newest intact checkpoint).")
    Path run;

    @Option(
        names = "--verify",
        description =
            "Check an exported model directory (<model>/<N>) and exit non-zero "
                + "on any problem.")
    Path verify;
  }

  @Option(
      names = "--checkpoint",
      description =
          "A checkpoint directory (e.g. "
              + "runs/X/checkpoints/step-000000744) instead of the latest.")
  Path checkpoint;

  @Option(
      names = "--out",
      defaultValue = "savedmodels",
      description = "Where models go (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--tokenizer",
      description =
          "Tokenizer SavedModel for sorcen-tokenizer, sorcen-image-generator and "
              + "sorcen-image-encoder "
              + "(default: the one the run used, from its run.json).")
  Path tokenizer;

  @Option(
      names = "--version",
      description =
          "Integer version directory, 1 or more (default: one above the " + "highest there).")
  Integer version;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Flags.requireAtLeast(spec, "--version", version, 1);
    if (mode.verify != null) {
      return report(List.of(mode.verify)) ? 0 : 1;
    }
    Run run = Run.open(mode.run);
    // Writing into the run directory itself takes the run's lock, as train does.
    boolean intoRun =
        out.toAbsolutePath().normalize().startsWith(mode.run.toAbsolutePath().normalize());
    try (DirectoryLock lock = intoRun ? run.lock("sorcen export") : null) {
      Path ckpt =
          run.checkpoint(
              checkpoint,
              note -> System.err.println("sorcen: " + note + "; exporting an older checkpoint"));
      List<Path> written =
          run.export(out, version, ckpt, tokenizer != null ? tokenizer : run.tokenizer());
      written.forEach(p -> System.out.println("exported " + p));
      return report(written) ? 0 : 1;
    }
  }

  private static boolean report(List<Path> dirs) {
    boolean ok = true;
    for (Path d : dirs) {
      List<String> problems = SavedModelVerifier.problems(d);
      if (problems.isEmpty()) {
        System.out.println(
            "verified "
                + d
                + ": tag serve, signatures, dtypes and shapes, stock ops, no unfed "
                + "placeholder");
      } else {
        ok = false;
        System.out.println("FAILED " + d + ":");
        problems.forEach(p -> System.out.println("  " + p));
      }
    }
    return ok;
  }
}

package org.sorcen.train.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-serving",
    description =
        "Throughput of exported models: encoder embeddings/s through the "
            + "Java API against the in-session graph, and generator images/s ("
            + IterativeDecoder.DEFAULT_STEPS
            + " steps).")
final class BenchServingCommand implements Callable<Integer> {
  @Option(
      names = "--run",
      required = true,
      description = "Run directory (its config and newest intact checkpoint).")
  Path run;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Rows per encoder call (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--calls",
      defaultValue = "50",
      description = "Timed encoder calls (default ${DEFAULT-VALUE}).")
  int calls;

  @Option(
      names = "--images",
      defaultValue = "16",
      description = "Images per generator call (default ${DEFAULT-VALUE}).")
  int images;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Flags.requireAtLeast(spec, "--batch", batch, 1);
    Flags.requireAtLeast(spec, "--calls", calls, 1);
    Flags.requireAtLeast(spec, "--images", images, 1);
    Run opened = Run.open(run);
    SorcenConfig config = opened.config();
    Path ckpt = opened.checkpoint(note -> System.err.println("sorcen: " + note));
    Path models = Files.createTempDirectory("sorcen-bench-serving");
    Path enc = ModelExport.encoder(config, Checkpoints.prefix(ckpt), models, 1);
    Path gen = ModelExport.generator(config, Checkpoints.prefix(ckpt), models, 1);

    int l = config.model.seqLen();
    long[][] rows = new long[batch][l];
    long[] flat = new long[batch * l];
    Random random = new Random(0);
    for (int r = 0; r < batch; r++) {
      for (int i = 0; i < l; i++) {
        rows[r][i] = random.nextInt(config.model.codebookSize);
        flat[r * l + i] = rows[r][i];
      }
    }
    double session;
    try (TrainingSession s = TrainingSession.create(config, false, 1, SessionSettings.defaults())) {
      s.restore(Checkpoints.prefix(ckpt));
      session = rate(() -> s.inference().embed(flat, batch));
    }
    double api;
    try (SorcenEncoder e = SorcenEncoder.load(enc)) {
      api = rate(() -> e.embed(rows));
    }
    System.out.printf(
        Locale.ROOT,
        "encoder, batch %d: in-session %.0f embeddings/s, Java API %.0f embeddings/s "
            + "(%+.1f%%)%n",
        batch,
        session * batch,
        api * batch,
        100 * (api / session - 1));
    try (SorcenGenerator g = SorcenGenerator.load(gen)) {
      long[] seeds = new long[images];
      Arrays.setAll(seeds, i -> i);
      g.generate(seeds);
      long t0 = System.nanoTime();
      int reps = 3;
      for (int i = 0; i < reps; i++) {
        g.generate(seeds);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "generator, %d images per call, %d steps: %.1f images/s%n",
          images,
          IterativeDecoder.DEFAULT_STEPS,
          reps * images / seconds);
    }
    AtomicFiles.deleteTree(models);
    return 0;
  }

  /** Calls per second over {@code calls} timed calls after 5 untimed ones. */
  private double rate(Runnable call) {
    for (int i = 0; i < 5; i++) {
      call.run();
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return calls / ((System.nanoTime() - t0) / 1e9);
  }
}

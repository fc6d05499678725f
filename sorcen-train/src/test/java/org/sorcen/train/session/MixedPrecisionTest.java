package org.sorcen.train.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.pretrain.JobConfig;

/**
 * model.compute_dtype=bfloat16 trains like float32: the first 200 steps of the default job
 * (configs/sorcen-tiny.json on the embedded Fashion-MNIST slice, its schedules and seed) in both
 * precisions, each with its default element-wise path (model.elementwise=auto). Masks and crops are
 * drawn from the same seeds in both runs; the dropout masks have the same rate but not the same
 * draws (TensorFlow's Philox in float32, hashed in an XLA kernel in bfloat16), and the arithmetic
 * of the matrix products differs, and through the logits the echo the teacher sees. With the
 * float32 run on bfloat16's element-wise path (the same draws) the worst difference measured 1.35%
 * against 1.37% here (results/performance.md).
 *
 * <p>The total loss averaged over each logging window (train.log_every_steps) stays within 2% of
 * float32's, and the reconstruction loss does at every logged step and in every window. The
 * batch-level terms (the online classifier's, the contrastive and the uniformity loss) are printed
 * but not held to 2%: once the two runs' weights differ by rounding, the echo, the in-batch
 * negatives and the classifier's batch diverge, and these terms measured up to 10% apart in window
 * means (16% on single steps) while total and reconstruction stayed within 1.6% and 0.3%
 * (results/performance.md, "Mixed precision").
 */
class MixedPrecisionTest {
  private static final int STEPS = 200;
  private static final double TOLERANCE = 0.02;
  private static final List<String> LOSSES =
      List.of(
          "loss/total",
          "loss/reconstruction",
          "loss/contrastive",
          "loss/uniformity",
          "loss/classifier");
  private static final List<String> HELD = List.of("loss/total", "loss/reconstruction");

  @Test
  void bfloat16LossesStayWithinTwoPercentOfFloat32OverTheDefaultJobsFirst200Steps() {
    List<StepMetrics> f32 = run("float32");
    List<StepMetrics> bf16 = run("bfloat16");
    int every = config("float32").train.logEverySteps;
    Worst worst = new Worst();
    for (int from = 0; from < STEPS; from += every) {
      int to = Math.min(STEPS, from + every);
      StringBuilder line = new StringBuilder("steps " + from + "-" + (to - 1) + " mean");
      for (String name : LOSSES) {
        double a = mean(f32, name, from, to);
        double b = mean(bf16, name, from, to);
        line.append(String.format("  %s %.4f/%.4f", name.substring(5), a, b));
        if (HELD.contains(name)) {
          worst.see(a, b, name + " mean over steps " + from + "-" + (to - 1));
        }
      }
      System.out.println(line);
      // The step the trainer logs: the last of the window.
      double a = f32.get(to - 1).get("loss/reconstruction");
      double b = bf16.get(to - 1).get("loss/reconstruction");
      worst.see(a, b, "loss/reconstruction at step " + (to - 1));
    }
    System.out.printf(
        "bfloat16 against float32 over %d steps: worst relative difference %.4f (%s)%n",
        STEPS, worst.relative, worst.where);
    assertTrue(worst.relative <= TOLERANCE, "worst " + worst.relative + ": " + worst.where);
  }

  private static final class Worst {
    double relative;
    String where = "";

    void see(double float32, double bfloat16, String what) {
      double rel = Math.abs(bfloat16 - float32) / Math.max(Math.abs(float32), 1e-3);
      if (rel > relative) {
        relative = rel;
        where = what + ": float32 " + float32 + ", bfloat16 " + bfloat16;
      }
    }
  }

  private static double mean(List<StepMetrics> steps, String name, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += steps.get(i).get(name);
    }
    return sum / (to - from);
  }

  private static JobConfig config(String dtype) {
    return JobConfig.load(
        Path.of("..", "configs", "sorcen-tiny.json"), Map.of("model.compute_dtype", dtype));
  }

  private static List<StepMetrics> run(String dtype) {
    JobConfig config = config(dtype);
    TokenDataset data = TokenDataset.open(Path.of("..", "data", "fashion-mnist-slice", "tokens"));
    long records = data.manifest().splits.get("train").records;
    long stepsPerEpoch = records / config.train.batchSize;
    BatchInput input =
        new BatchInput.FromShards(
            data.shards("train"),
            config.train.batchSize,
            Math.min(config.train.shuffleBuffer, records),
            true);
    List<StepMetrics> out = new ArrayList<>();
    try (TrainingSession s =
        TrainingSession.create(config, input, stepsPerEpoch, SessionSettings.defaults())) {
      for (long done = 0; done < STEPS; done++) {
        s.positionFor(done, stepsPerEpoch);
        out.add(s.step());
      }
    }
    return out;
  }
}

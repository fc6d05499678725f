package org.sorcen.train.bench;

import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;

/**
 * The Sorcen paper's efficiency claim, timed: Sorcen skips MAGE's online tokenization by
 * training on precomputed tokens, and reports being 60.8% more efficient. One after the other in one
 * process, on one config: the Sorcen step on a constant batch of tokens, the MAGE step on the same
 * tokens (the ablation: what the method costs without the tokenization) and official MAGE's step on
 * raw images (crop, flip and the frozen tokenizer inside the step, then the MAGE update).
 */
public final class EfficiencyBenchmark {
  /** "Sorcen is 60.8% more efficient than MAGE" (the Sorcen paper). */
  public static final double PAPER_PERCENT = 60.8;

  /** A timed row: what it trains and on which input. */
  public record Row(String method, String input, TrainingBenchmark.Result result) {}

  /** The three rows, in the order above. */
  public record Result(List<Row> rows) {
    public Row sorcen() {
      return rows.get(0);
    }

    public Row mageTokens() {
      return rows.get(1);
    }

    public Row mageOnline() {
      return rows.get(2);
    }

    /** How much more throughput Sorcen has than official MAGE: (Sorcen samples/s ÷ MAGE online samples/s − 1) × 100. */
    public double percentMoreThroughput() {
      return percentMore(
          sorcen().result().samplesPerSecond(), mageOnline().result().samplesPerSecond());
    }

    /** How many percent longer MAGE's online step is than its step on tokens: the tokenization's cost. */
    public double onlineOverheadPercent() {
      return percentMore(mageOnline().result().msPerStep(), mageTokens().result().msPerStep());
    }
  }

  private EfficiencyBenchmark() {}

  /** (a ÷ b − 1) × 100: how many percent more a is than b. */
  public static double percentMore(double a, double b) {
    return (a / b - 1) * 100;
  }

  /**
   * {@code config} with its method and input replaced per row; {@code images} feeds the online row
   * (its batch size and seed must be the config's).
   */
  public static Result run(
      JobConfig config,
      BatchInput.FromImages images,
      int warmup,
      int steps,
      SessionSettings settings) {
    SorcenConfig sorcen = variant(config, "sorcen", TrainConfig.TOKENS);
    SorcenConfig mage = variant(config, "mage", TrainConfig.TOKENS);
    SorcenConfig online = variant(config, "mage", TrainConfig.IMAGES);
    return new Result(
        List.of(
            new Row(
                "sorcen",
                "tokens (precomputed)",
                TrainingBenchmark.run(sorcen, warmup, steps, settings)),
            new Row(
                "mage",
                "tokens (precomputed; ablation)",
                TrainingBenchmark.run(mage, warmup, steps, settings)),
            new Row(
                "mage",
                "images (crop + flip + frozen tokenizer in the step; official)",
                TrainingBenchmark.runOnImages(online, images, warmup, steps, settings))));
  }

  private static SorcenConfig variant(JobConfig config, String method, String input) {
    SorcenConfig c =
        JobConfig.parse(
            ConfigLoader.toJson(config),
            config.name,
            Map.of("method", method, "train.input", input));
    return c;
  }
}

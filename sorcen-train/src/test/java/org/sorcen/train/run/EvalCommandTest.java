package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Trainer;
import picocli.CommandLine;

/** Evaluators as periodic evaluators of a run and as `./sorcen eval` on the run afterwards. */
class EvalCommandTest {
  @Test
  void evalOnARunReproducesTheTrainersOwnEvaluation(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path run = tmp.resolve("run");
    JobConfig c =
        JobConfig.parse(
            TrainerTest.CONFIG,
            "t",
            Map.of(
                "eval.evaluators",
                "[\"knn\", " + "\"linear-probe\", \"few-shot\"]",
                "eval.linear_probe.epochs",
                "5",
                "eval.linear_probe.warmup_epochs",
                "1",
                "eval.few_shot.draws",
                "2"));
    Trainer.Outcome out = TrainerTest.train(c, data, run);
    assertEquals(
        Map.of(),
        missing(
            out.evaluation(),
            "eval/knn_top1",
            "eval/linear_probe_top1",
            "eval/few_shot_1_mean",
            "eval/few_shot_5_std",
            "eval/few_shot_10_mean"));

    Path json = tmp.resolve("eval.json");
    int rc =
        SorcenCli.commandLine()
            .execute(
                "eval",
                "all",
                "--run",
                run.toString(),
                "--seed",
                Long.toString(c.train.seed),
                "--json",
                json.toString());
    assertEquals(0, rc);
    JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
    for (Map.Entry<String, Double> e : out.evaluation().entrySet()) {
      if (!e.getKey().startsWith("eval/")) {
        continue; // the run's reference points (knn/init, ...): not the trained model's figures
      }
      assertEquals(e.getValue(), results.get(e.getKey()).asDouble(), 1e-12, e.getKey());
    }
  }

  @Test
  void baselinesAndBadSources(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path json = tmp.resolve("bag.json");
    // Surefire runs in the module directory: the repository's configs are one level up.
    Path config = Path.of("..", "configs", "sorcen-tiny.json").toAbsolutePath();
    assertEquals(
        0,
        SorcenCli.commandLine()
            .execute(
                "eval",
                "knn",
                "--baseline",
                "bag-of-tokens",
                "--data",
                data.toString(),
                "--config",
                config.toString(),
                "--set",
                "eval.knn_k=5",
                "--json",
                json.toString()));
    // Each class draws its ids from its own range, so the bag of ids separates the classes
    // perfectly.
    assertEquals(
        1.0,
        new ObjectMapper().readTree(json.toFile()).get("results").get("eval/knn_top1").asDouble());

    CommandLine cli = SorcenCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(
        SorcenCli.USAGE_ERROR, cli.execute("eval", "knn", "--run", tmp.resolve("nope").toString()));
    assertTrue(err.toString().contains("is not a run directory"), err.toString());
  }

  private static Map<String, String> missing(Map<String, Double> have, String... keys) {
    Map<String, String> m = new TreeMap<>();
    for (String k : keys) {
      if (!have.containsKey(k)) {
        m.put(k, "missing");
      }
    }
    return m;
  }
}

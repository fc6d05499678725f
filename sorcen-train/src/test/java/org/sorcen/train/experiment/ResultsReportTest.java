package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.pretrain.JobConfig;

/**
 * The results file: one row per method and baseline with its mean ± seed std, the generated
 * seed-spread comparison, hand-written notes kept on rewrite.
 */
class ResultsReportTest {
  @Test
  void tableHoldsEveryRowAndRewritingKeepsTheNotes(@TempDir Path tmp) throws Exception {
    JobConfig base = JobConfig.load(Path.of("..", "configs", "sorcen-tiny.json"));
    ExperimentConfig x = new ExperimentConfig();
    x.name = "t";
    x.images = "imgs";
    x.tokenizer = "tok";
    x.classifier = "cls";
    x.modelConfig = "configs/sorcen-tiny.json";
    x.workDir = "w";
    x.results = "r.md";
    Map<String, Double> sorcen =
        Map.of(
            "eval/linear_probe_top1",
            0.7512,
            "eval/knn_top1",
            0.7,
            "eval/few_shot_1_mean",
            0.3,
            "eval/few_shot_1_std",
            0.02,
            "gen/fd",
            12.345,
            "gen/is_mean",
            6.5,
            "gen/tokenizer_fd",
            7.4,
            "gen/tokenizer_is_mean",
            7.9,
            "gen/real_is_mean",
            8.4,
            "gen/reference_count",
            10000.0);
    List<ResultsReport.Row> rows =
        List.of(
            ResultsReport.Row.single(
                "sorcen",
                sorcen,
                new Experiment.TrainingCost(100, 64, 60, 1e9),
                "t-sorcen-samples.png"),
            new ResultsReport.Row(
                "mage",
                List.of(0, 1),
                List.of(Map.of("eval/knn_top1", 0.6), Map.of("eval/knn_top1", 0.7)),
                null),
            ResultsReport.Row.single("raw pixels", Map.of("eval/knn_top1", 0.85), null, null));
    Path md = tmp.resolve("r.md");
    ResultsReport.write(md, x, base, rows, List.of(), Path.of("tokens"), 1.5, null);
    String text = Files.readString(md);
    assertTrue(text.contains("| sorcen | 75.1% ± — | 70.0% ± — | 30.0% ± — |"), text);
    assertTrue(
        text.contains("| 12.35 ± — | 6.50 ± — | 1.0 min ± — | 107 ± — | 6.40e+12 ± — |"), text);
    // Two seeds: mean 65%, sample std |0.7 - 0.6| / sqrt(2) = 7.07 points.
    assertTrue(text.contains("| mage | – | 65.0% ± 7.1% | – |"), text);
    assertTrue(text.contains("| raw pixels | – | 85.0% ± — |"), text);
    // mage vs raw pixels: -20 points against a spread of 7.1 -> exceeds; mage vs sorcen: -5 ->
    // within.
    assertTrue(
        text.contains("| mage vs raw pixels | – | -20.0 pts, exceeds the seed spread (7.1 pts) |"),
        text);
    assertTrue(
        text.contains("| sorcen vs mage | – | +5.0 pts, within the seed spread (7.1 pts) |"), text);
    assertTrue(
        !text.contains("sorcen vs raw pixels"),
        "two rows without seeds have no seed spread to compare");
    assertTrue(text.contains("![sorcen samples](t-sorcen-samples.png)"), text);
    assertTrue(text.contains("not** ImageNet-Inception FID"), text);

    assertTrue(!text.contains("## Transfer"), "no transfer table unless configured");

    x.transfer = new ExperimentConfig.Transfer();
    x.transfer.pretrainClasses = "0-4";
    x.transfer.probeClasses = "5-9";
    ResultsReport.write(
        md,
        x,
        base,
        rows,
        List.of(
            ResultsReport.Row.single(
                "sorcen, pre-trained on classes [0, 1, 2, " + "3, 4]",
                sorcen,
                new Experiment.TrainingCost(100, 64, 120, 1e9),
                null),
            ResultsReport.Row.single("raw pixels", Map.of("eval/knn_top1", 0.8), null, null)),
        Path.of("tokens"),
        1.5,
        null);
    String withTransfer = Files.readString(md);
    assertTrue(withTransfer.contains("## Transfer"), withTransfer);
    assertTrue(
        withTransfer.contains(
            "| sorcen, pre-trained on classes [0, 1, 2, 3, 4] | 75.1% | 70.0% | 30.0% ± 2.0% "
                + "| – ± – | – ± – | 2.0 min |"),
        withTransfer);
    assertTrue(
        withTransfer.contains("| raw pixels | – | 80.0% | – ± – | – ± – | – ± – | – |"),
        withTransfer);
    assertEquals(
        0.8,
        new ObjectMapper()
            .readTree(tmp.resolve("r.json").toFile())
            .get("transfer: raw pixels")
            .get("eval/knn_top1")
            .asDouble());
    x.transfer = null;
    ResultsReport.write(md, x, base, rows, List.of(), Path.of("tokens"), 1.5, null);

    Files.writeString(
        md, text.replace("(to be written by hand after reading the figures)", "Sorcen wins here."));
    ResultsReport.write(md, x, base, rows, List.of(), Path.of("tokens"), 2.5, null);
    assertTrue(Files.readString(md).endsWith("## Reading the table\n\nSorcen wins here.\n"));
    assertEquals(
        0.7512,
        new ObjectMapper()
            .readTree(tmp.resolve("r.json").toFile())
            .get("sorcen")
            .get("mean")
            .get("eval/linear_probe_top1")
            .asDouble());
  }
}

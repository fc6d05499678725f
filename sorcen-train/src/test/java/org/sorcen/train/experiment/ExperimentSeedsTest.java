package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;

/**
 * A tiny experiment with two training seeds and one method: a run per seed, the encoder at
 * initialisation per seed, mean ± std recomputed from the JSON's per-seed values, the
 * k-NN-against-time figure decoded and looked at, and a second invocation that trains and
 * evaluates nothing again.
 */
class ExperimentSeedsTest {
  static final String SORCEN = ExperimentMethod.SORCEN.label;

  @Test
  void everySeedTrainsItsOwnRunAndTheReportAggregatesThem(@TempDir Path tmp) throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    TokenizerConfig tc = TinyTokenizer.config(Map.of("train.epochs", "1"));
    TokenizerTrainer.train(
        tc,
        TinyTokenizer.images(16, 2),
        tmp.resolve("tok/tokenizer"),
        SessionSettings.defaults(),
        0,
        quiet);
    Path tokenizer = tmp.resolve("tokenizer-model");
    TokenizerExport.write(tc, tmp.resolve("tok/tokenizer"), tokenizer);
    Path images = tmp.resolve("images");
    Files.createDirectories(images);
    IdxWriter.write(
        ExperimentTransferTest.labelled(TinyTokenizer.images(64, 7)),
        images.resolve("train-images-idx3-ubyte.gz"),
        images.resolve("train-labels-idx1-ubyte.gz"));
    IdxWriter.write(
        ExperimentTransferTest.labelled(TinyTokenizer.images(24, 8)),
        images.resolve("t10k-images-idx3-ubyte.gz"),
        images.resolve("t10k-labels-idx1-ubyte.gz"));
    Path model = Files.writeString(tmp.resolve("model.json"), ExperimentTransferTest.MODEL);

    ExperimentConfig x = new ExperimentConfig();
    x.name = "tiny";
    x.images = images.toString();
    x.classNames = "a,b,c,d";
    x.tokenizer = tokenizer.toString();
    x.classifier = "unused";
    x.modelConfig = model.toString();
    x.methods = List.of("sorcen");
    x.seeds = List.of(3, 4);
    // 8 steps per epoch, 2 epochs, k-NN every half epoch: steps 0 (initial weights), 4, 8, 12, 16.
    x.overrides = Map.of("train.epochs", "2", "eval.every_epochs", "0.5");
    x.workDir = tmp.resolve("work").toString();
    x.results = tmp.resolve("results/tiny.md").toString();
    // Generation stands in with a figure that differs by seed, so that its mean and spread are
    // known.
    Experiment.Generation fd =
        (gen, tok, png, g, log) -> {
          try {
            Files.createDirectories(png.getParent());
            Files.writeString(png, "a stand-in for the sample grid");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return Map.of("gen/fd", gen.toString().contains("seed-4") ? 13.0 : 10.0);
        };
    Path md = new Experiment(x, Function.identity(), quiet, fd).run();

    Path work = tmp.resolve("work");
    for (int seed : x.seeds) {
      Path run = work.resolve("sorcen/seed-" + seed);
      assertEquals(
          16, Checkpoints.readSidecar(Run.open(run).checkpoint(n -> {})).step(), run.toString());
      assertEquals(
          seed,
          new ObjectMapper()
              .readTree(run.resolve("config.json").toFile())
              .at("/train/seed")
              .asInt());
      assertEquals(
          0,
          Checkpoints.readSidecar(
                  Run.open(work.resolve("initial/seed-" + seed)).checkpoint(n -> {}))
              .step());
    }

    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results/tiny.json").toFile());
    for (String row : List.of(SORCEN, Experiment.INITIAL_ROW)) {
      JsonNode r = json.get(row);
      assertEquals("[3,4]", r.get("seeds").toString(), row);
      assertEquals(2, r.get("per_seed").size(), row);
      List<String> keys = new ArrayList<>();
      r.get("mean").fieldNames().forEachRemaining(keys::add);
      assertTrue(
          keys.contains("eval/knn_top1") && keys.contains("eval/linear_probe_top1"),
          row + ": " + keys);
      for (String k : keys) {
        double a = r.get("per_seed").get(0).get(k).asDouble();
        double b = r.get("per_seed").get(1).get(k).asDouble();
        assertEquals((a + b) / 2, r.get("mean").get(k).asDouble(), 1e-12, row + " " + k);
        // Sample std of two values: |a - b| / sqrt(2).
        assertEquals(
            Math.abs(a - b) / Math.sqrt(2), r.get("std").get(k).asDouble(), 1e-12, row + " " + k);
      }
    }
    assertEquals(11.5, json.get(SORCEN).at("/mean/gen~1fd").asDouble(), 1e-12);
    assertEquals(3 / Math.sqrt(2), json.get(SORCEN).at("/std/gen~1fd").asDouble(), 1e-12);
    assertTrue(
        json.at("/raw pixels/std/eval~1knn_top1").isNull(),
        "a deterministic row has no seed spread");

    String text = Files.readString(md);
    assertTrue(text.contains("| " + SORCEN + " | "), text);
    assertTrue(text.contains("| 11.50 ± 2.12 |"), "FD mean ± std in the table:\n" + text);
    assertTrue(text.contains("| " + Experiment.INITIAL_ROW + " | "), text);
    assertTrue(text.contains("| raw pixels | "), text);
    assertTrue(text.contains(SpreadComparison.HEADING), text);
    assertTrue(text.contains("| " + SORCEN + " vs " + Experiment.INITIAL_ROW + " |"), text);
    assertTrue(text.contains("![k-NN against training time](tiny-knn-vs-time.png)"), text);
    // Time to the highest k-NN the (one) method's mean curve reaches: its time at its best
    // evaluation.
    assertTrue(
        text.contains("Training time to k-NN top-1 ")
            && text.contains("| " + SORCEN + " | ")
            && text.matches(
                "(?s).*\\| " + Pattern.quote(SORCEN) + " \\| \\d+\\.\\d\\d \\| — \\|.*"),
        text);

    BufferedImage png = ImageIO.read(tmp.resolve("results/tiny-knn-vs-time.png").toFile());
    assertNotNull(png, "the figure decodes as an image");
    assertEquals(KnnTimeFigure.WIDTH, png.getWidth());
    assertEquals(KnnTimeFigure.HEIGHT, png.getHeight());
    // The method's line colour inside the plot area (legend and titles excluded): the curve was
    // drawn.
    assertTrue(
        pixelsOfColour(png, 0xE69F00, 80, 40, KnnTimeFigure.WIDTH - 20, KnnTimeFigure.HEIGHT - 110)
            > 100,
        "the curve is drawn in the plot area");

    // Everything is finished: a second invocation neither trains nor evaluates a run again.
    Map<Path, byte[]> before = runFiles(work);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Experiment(x, Function.identity(), new PrintStream(out, true, StandardCharsets.UTF_8), fd)
        .run();
    String log = out.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("evaluating frozen features"), log);
    assertEquals(2, log.split("already complete", -1).length - 1, log);
    Map<Path, byte[]> after = runFiles(work);
    assertEquals(before.keySet(), after.keySet());
    before.forEach((p, bytes) -> assertTrue(Arrays.equals(bytes, after.get(p)), p + " changed"));
    assertEquals(json, new ObjectMapper().readTree(tmp.resolve("results/tiny.json").toFile()));

    // A sample grid deleted beside the results is drawn again (its run evaluated again), nothing
    // retrained.
    Files.delete(tmp.resolve("results/tiny-sorcen-samples.png"));
    out.reset();
    new Experiment(x, Function.identity(), new PrintStream(out, true, StandardCharsets.UTF_8), fd)
        .run();
    assertTrue(Files.isRegularFile(tmp.resolve("results/tiny-sorcen-samples.png")));
    assertEquals(
        1, out.toString(StandardCharsets.UTF_8).split("evaluating frozen features", -1).length - 1);
  }

  /** The trained runs' metrics, costs, cached figures and checkpoint sidecars. */
  private static Map<Path, byte[]> runFiles(Path work) throws Exception {
    Map<Path, byte[]> out = new LinkedHashMap<>();
    try (var files = Files.walk(work.resolve("sorcen"))) {
      for (Path p :
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.equals("metrics.jsonl")
                        || n.equals("training-cost.json")
                        || n.equals(FigureCache.FILE)
                        || n.endsWith(".json") && p.toString().contains("checkpoints");
                  })
              .sorted()
              .toList()) {
        out.put(p, Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static int pixelsOfColour(BufferedImage img, int rgb, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}

package org.sorcen.train.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.export.io.FileSet;
import org.sorcen.graph.config.SorcenConfig;

/**
 * Writes the experiment's results: a Markdown file with the side-by-side table (measured figures
 * only; what they mean is written by hand in the file's "Reading the table" section, which this
 * class keeps when it rewrites the file) and a JSON copy of every figure beside it.
 */
final class ResultsReport {
  /** One line of the table: a method (with its training cost and sample grid) or a baseline (without). */
  record Row(String name, Map<String, Double> figures, Experiment.TrainingCost cost, String samplesPng) {}

  static final String NOTES_HEADING = "## Reading the table";

  private ResultsReport() {}

  /** {@code transfer}: the rows of the transfer table (empty: no such table). */
  static void write(Path md, ExperimentConfig x, SorcenConfig base, List<Row> rows, List<Row> transfer, Path tokens,
      double minutes) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(x.name).append(": MAGE vs Sorcen\n\n");
    s.append("Produced by `./sorcen experiment configs/experiments/").append(x.name).append(".json` ")
        .append("(this file is rewritten by every run; the section \"Reading the table\" is kept).\n\n");
    s.append(String.format(Locale.ROOT, "- Data: %s tokenized by %s into %s (%d×%d grids, %d codes).%n", x.images,
        x.tokenizer, tokens, base.model.grid, base.model.grid, base.model.codebookSize));
    s.append(String.format(Locale.ROOT, "- Model: %s with %s: embed %d, depth %d, heads %d, decoder %d/%d; batch %d, "
        + "%s epochs, seed %d, blr %s. Same architecture, seed and budget for every method.%n", x.modelConfig,
        x.overrides, base.model.embedDim, base.model.depth, base.model.numHeads, base.model.decoderEmbedDim,
        base.model.decoderDepth, base.train.batchSize, base.train.epochs, base.train.seed, base.optimizer.blr));
    s.append(String.format(Locale.ROOT, "- Evaluators: k-NN (k=%d, T=%.2f, all training rows); linear probe (%s, "
        + "blr %s, %.0f epochs); few-shot (%s per class, %d draws, mean ± std); generation: %d samples at T=%.1f, "
        + "%d steps, against the real test images.%n", base.eval.knnK, base.eval.knnTemperature,
        base.eval.linearProbe.optimizer, base.eval.linearProbe.blr, base.eval.linearProbe.epochs, base.eval.fewShot.shots,
        base.eval.fewShot.draws, x.generation.samples, x.generation.temperature, x.generation.steps));
    s.append("- FD is the Fréchet distance in the feature space of a small Fashion-MNIST classifier (")
        .append(x.classifier).append("), **not** ImageNet-Inception FID; IS-analogue is that classifier's "
            + "Inception-score analogue (max 10).\n");
    s.append(String.format(Locale.ROOT, "- Wall time of the invocation that wrote this file: %.1f min.%n%n", minutes));

    List<Integer> shots = base.eval.fewShot.shots;
    s.append("| | linear probe | k-NN |");
    shots.forEach(n -> s.append(" ").append(n).append("-shot |"));
    s.append(" FD ↓ | IS-analogue ↑ | train wall time | samples/s | total train FLOPs |\n|---|---|---|");
    shots.forEach(n -> s.append("---|"));
    s.append("---|---|---|---|---|\n");
    for (Row r : rows) {
      Map<String, Double> f = r.figures();
      s.append("| ").append(r.name()).append(" | ").append(pct(f.get("eval/linear_probe_top1"))).append(" | ")
          .append(pct(f.get("eval/knn_top1"))).append(" |");
      for (int n : shots) {
        s.append(" ").append(pct(f.get("eval/few_shot_" + n + "_mean"))).append(" ± ")
            .append(pct(f.get("eval/few_shot_" + n + "_std"))).append(" |");
      }
      s.append(" ").append(num(f.get("gen/fd"), "%.2f")).append(" | ").append(num(f.get("gen/is_mean"), "%.2f"))
          .append(" |");
      Experiment.TrainingCost c = r.cost();
      if (c != null) {
        s.append(String.format(Locale.ROOT, " %.1f min | %.0f | %.3g |", c.seconds() / 60, c.samplesPerSecond(),
            c.totalFlops()));
      } else {
        s.append(" – | – | – |");
      }
      s.append("\n");
    }
    Map<String, Double> g = rows.stream().map(Row::figures).filter(f -> f.containsKey("gen/tokenizer_fd"))
        .findFirst().orElse(null);
    if (g != null) {
      s.append(String.format(Locale.ROOT, "%nFor scale: the %.0f real test images score IS-analogue %.2f; the same "
          + "images encoded and decoded by the tokenizer score FD %.2f and IS-analogue %.2f against them (the "
          + "tokenizer floor: no generator of these tokens can do better).%n", g.get("gen/reference_count"),
          g.get("gen/real_is_mean"), g.get("gen/tokenizer_fd"), g.get("gen/tokenizer_is_mean")));
    }
    if (!transfer.isEmpty()) {
      transferTable(s, x.transfer, shots, transfer);
    }
    s.append("\nSamples (first ").append(x.generation.gridImages).append(" seeds):\n\n");
    for (Row r : rows) {
      if (r.samplesPng() != null) {
        s.append("- ").append(r.name()).append(": ![").append(r.name()).append(" samples](").append(r.samplesPng())
            .append(")\n");
      }
    }
    s.append("\n").append(keptNotes(md));
    try {
      Map<String, Object> doc = new LinkedHashMap<>();
      for (Row r : rows) {
        Map<String, Object> one = new LinkedHashMap<>(r.figures());
        if (r.cost() != null) {
          one.put("train/steps", r.cost().steps());
          one.put("train/seconds", r.cost().seconds());
          one.put("train/samples_per_second", r.cost().samplesPerSecond());
          one.put("train/total_flops", r.cost().totalFlops());
        }
        doc.put(r.name(), one);
      }
      for (Row r : transfer) {
        doc.put("transfer: " + r.name(), r.figures());
      }
      String name = md.getFileName().toString().replaceFirst("\\.md$", "") + ".json";
      byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
      // The .md and its .json sidecar are one report: replaced together or not at all.
      new FileSet().add(md, out -> out.write(s.toString().getBytes(StandardCharsets.UTF_8)))
          .add(md.resolveSibling(name), out -> out.write(json)).write();
    } catch (IOException e) {
      throw org.sorcen.export.io.IoFailure.of("write", md, e);
    }
  }

  private static void transferTable(StringBuilder s, ExperimentConfig.Transfer t, List<Integer> shots, List<Row> rows) {
    s.append("\n## Transfer\n\nSorcen pre-trained with the same config, seed and budget on classes ")
        .append(t.pretrainClasses).append(" only; every row probed on classes ").append(t.probeClasses)
        .append(", whose images the pre-training never saw (their train split fits the probe, their test split "
            + "scores it).\n\n| | linear probe | k-NN |");
    shots.forEach(n -> s.append(" ").append(n).append("-shot |"));
    s.append(" train wall time |\n|---|---|---|");
    shots.forEach(n -> s.append("---|"));
    s.append("---|\n");
    for (Row r : rows) {
      Map<String, Double> f = r.figures();
      s.append("| ").append(r.name()).append(" | ").append(pct(f.get("eval/linear_probe_top1"))).append(" | ")
          .append(pct(f.get("eval/knn_top1"))).append(" |");
      for (int n : shots) {
        s.append(" ").append(pct(f.get("eval/few_shot_" + n + "_mean"))).append(" ± ")
            .append(pct(f.get("eval/few_shot_" + n + "_std"))).append(" |");
      }
      s.append(r.cost() != null ? String.format(Locale.ROOT, " %.1f min |", r.cost().seconds() / 60) : " – |")
          .append("\n");
    }
  }

  private static String keptNotes(Path md) {
    try {
      if (Files.isRegularFile(md)) {
        String old = Files.readString(md);
        int at = old.indexOf(NOTES_HEADING);
        if (at >= 0) {
          return old.substring(at);
        }
      }
    } catch (IOException e) {
      // nothing to keep
    }
    return NOTES_HEADING + "\n\n(to be written by hand after reading the figures)\n";
  }


  private static String pct(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static String num(Double v, String fmt) {
    return v == null ? "–" : String.format(Locale.ROOT, fmt, v);
  }
}

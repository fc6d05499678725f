package org.sorcen.train.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.export.io.FileSet;
import org.sorcen.export.io.IoFailure;
import org.sorcen.train.pretrain.JobConfig;

/**
 * Writes the experiment's results: a Markdown file with the side-by-side table (measured figures
 * only, each the mean ± std over training seeds; what they mean is written by hand in the file's
 * "Reading the table" section, which this class keeps when it rewrites the file), the generated
 * seed-spread comparison that section relies on, and a JSON copy of every per-seed figure beside it.
 */
final class ResultsReport {
  /**
   * One line of the table: a method or the encoder at initialisation (one figure set per training
   * seed, {@code seeds} in the same order), or a baseline that depends on no training seed
   * ({@code seeds} empty, one figure set). Training cost is folded into the figures
   * ({@link Experiment.TrainingCost#figures()}).
   */
  record Row(
      String name, List<Integer> seeds, List<Map<String, Double>> perSeed, String samplesPng) {
    Row {
      if (perSeed.isEmpty() || (!seeds.isEmpty() && seeds.size() != perSeed.size())) {
        throw new IllegalArgumentException(
            name + ": " + seeds.size() + " seeds, " + perSeed.size() + " figure sets");
      }
    }

    /** One figure set, e.g. a baseline or the single-seed transfer rows; {@code cost} may be null. */
    static Row single(
        String name, Map<String, Double> figures, Experiment.TrainingCost cost, String samplesPng) {
      Map<String, Double> f = new LinkedHashMap<>(figures);
      if (cost != null) {
        f.putAll(cost.figures());
      }
      return new Row(name, List.of(), List.of(f), samplesPng);
    }

    boolean seeded() {
      return !seeds.isEmpty();
    }

    Map<String, SeedSpread> spread() {
      return SeedSpread.byFigure(perSeed);
    }

    /** The first (or only) figure set. */
    Map<String, Double> figures() {
      return perSeed.get(0);
    }
  }

  /** A figure beside the table: its file name (a sibling of the Markdown file) and its caption. */
  record Figure(String png, String caption) {}

  static final String NOTES_HEADING = "## Reading the table";

  private ResultsReport() {}

  /** {@code transfer}: the rows of the transfer table (empty: no such table); {@code knn}: may be null. */
  static void write(
      Path md,
      ExperimentConfig x,
      JobConfig base,
      List<Row> rows,
      List<Row> transfer,
      Path tokens,
      double minutes,
      Figure knn) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(x.name).append(": MAGE vs Sorcen\n\n");
    s.append("Produced by `./sorcen experiment configs/experiments/")
        .append(x.name)
        .append(".json` ")
        .append(
            "(this file is rewritten by every run; the section \"Reading the table\" is kept).\n\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- Data: %s tokenized by %s into %s (%d×%d grids, %d codes).%n",
            x.images,
            x.tokenizer,
            tokens,
            base.model.grid,
            base.model.grid,
            base.model.codebookSize));
    s.append(
        String.format(
            Locale.ROOT,
            "- Model: %s with %s: embed %d, depth %d, heads %d, decoder %d/%d; batch %d, "
                + "%s epochs, blr %s, training seeds %s. Same architecture and budget for every method; each trained "
                + "method, and the encoder at initialisation, once per seed.%n",
            x.modelConfig,
            x.overrides,
            base.model.embedDim,
            base.model.depth,
            base.model.numHeads,
            base.model.decoderEmbedDim,
            base.model.decoderDepth,
            base.train.batchSize,
            base.train.epochs,
            base.optimizer.blr,
            x.seeds));
    s.append(
        String.format(
            Locale.ROOT,
            "- Evaluators: k-NN (k=%d, T=%.2f, all training rows); linear probe (%s, "
                + "blr %s, %.0f epochs); few-shot (%s per class, %d draws); generation: %d samples at T=%.1f, "
                + "%d steps, against the real test images.%n",
            base.eval.knnK,
            base.eval.knnTemperature,
            base.eval.linearProbe.optimizer,
            base.eval.linearProbe.blr,
            base.eval.linearProbe.epochs,
            base.eval.fewShot.shots,
            base.eval.fewShot.draws,
            x.generation.samples,
            x.generation.temperature,
            x.generation.steps));
    s.append(
            "- FD is the Fréchet distance in the feature space of a small Fashion-MNIST classifier (")
        .append(x.classifier)
        .append(
            "), **not** ImageNet-Inception FID; IS-analogue is that classifier's "
                + "Inception-score analogue (max 10).\n");
    s.append(
        "- Each cell is the mean ± the sample standard deviation over the training seeds (— for rows that "
            + "depend on no training seed); the per-seed values, and few-shot's spread over draws, are in the JSON "
            + "copy. Train wall time includes the periodic k-NN evaluations that draw the figure below.\n");
    s.append(
        String.format(
            Locale.ROOT,
            "- Wall time of the invocation that wrote this file: %.1f min.%n%n",
            minutes));

    List<ReportColumn> columns = ReportColumn.main(base.eval.fewShot.shots);
    s.append("| |");
    columns.forEach(c -> s.append(" ").append(c.heading()).append(" |"));
    s.append("\n|---|");
    columns.forEach(c -> s.append("---|"));
    s.append("\n");
    for (Row r : rows) {
      Map<String, SeedSpread> f = r.spread();
      s.append("| ").append(r.name()).append(" |");
      columns.forEach(c -> s.append(" ").append(cell(f.get(c.key()), c)).append(" |"));
      s.append("\n");
    }
    Map<String, Double> g =
        rows.stream()
            .map(Row::figures)
            .filter(f -> f.containsKey("gen/tokenizer_fd"))
            .findFirst()
            .orElse(null);
    if (g != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "%nFor scale: the %.0f real test images score IS-analogue %.2f; the same "
                  + "images encoded and decoded by the tokenizer score FD %.2f and IS-analogue %.2f against them (the "
                  + "tokenizer floor: no generator of these tokens can do better).%n",
              g.get("gen/reference_count"),
              g.get("gen/real_is_mean"),
              g.get("gen/tokenizer_fd"),
              g.get("gen/tokenizer_is_mean")));
    }
    if (knn != null) {
      s.append("\n![k-NN against training time](")
          .append(knn.png())
          .append(")\n\n")
          .append(knn.caption())
          .append("\n");
    }
    if (!transfer.isEmpty()) {
      transferTable(s, x, base.eval.fewShot.shots, transfer);
    }
    s.append("\nSamples (first ")
        .append(x.generation.gridImages)
        .append(" generation seeds of training seed ")
        .append(x.seeds.get(0))
        .append("):\n\n");
    for (Row r : rows) {
      if (r.samplesPng() != null) {
        s.append("- ")
            .append(r.name())
            .append(": ![")
            .append(r.name())
            .append(" samples](")
            .append(r.samplesPng())
            .append(")\n");
      }
    }
    String comparison = SpreadComparison.markdown(rows, columns);
    if (!comparison.isEmpty()) {
      s.append("\n").append(comparison);
    }
    s.append("\n").append(keptNotes(md));
    try {
      Map<String, Object> doc = new LinkedHashMap<>();
      for (Row r : rows) {
        doc.put(r.name(), json(r));
      }
      for (Row r : transfer) {
        doc.put("transfer: " + r.name(), r.figures());
      }
      String name = md.getFileName().toString().replaceFirst("\\.md$", "") + ".json";
      byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
      // The .md and its .json sidecar are one report: replaced together or not at all.
      new FileSet()
          .add(md, out -> out.write(s.toString().getBytes(StandardCharsets.UTF_8)))
          .add(md.resolveSibling(name), out -> out.write(json))
          .write();
    } catch (IOException e) {
      throw IoFailure.of("write", md, e);
    }
  }

  /** {"seeds": [...], "per_seed": [{...}], "mean": {...}, "std": {...}}; std null without a spread. */
  private static Map<String, Object> json(Row r) {
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("seeds", r.seeds());
    one.put("per_seed", r.perSeed());
    Map<String, Double> mean = new LinkedHashMap<>();
    Map<String, Double> std = new LinkedHashMap<>();
    r.spread()
        .forEach(
            (k, v) -> {
              mean.put(k, v.mean());
              std.put(k, v.spread() ? v.std() : null);
            });
    one.put("mean", mean);
    one.put("std", std);
    return one;
  }

  /** "78.3% ± 0.4%", "85.0% ± —" without a spread, "–" without the figure. */
  private static String cell(SeedSpread v, ReportColumn c) {
    if (v == null) {
      return "–";
    }
    return c.value().apply(v.mean()) + " ± " + (v.spread() ? c.value().apply(v.std()) : "—");
  }

  private static void transferTable(
      StringBuilder s, ExperimentConfig x, List<Integer> shots, List<Row> rows) {
    ExperimentConfig.Transfer t = x.transfer;
    s.append("\n## Transfer\n\nOne training seed (")
        .append(x.seeds.get(0))
        .append(
            "; single values, not a mean over " + "seeds; few-shot ± is the spread over draws). ")
        .append("Sorcen pre-trained with the same config and budget on classes ")
        .append(t.pretrainClasses)
        .append(" only; every row probed on classes ")
        .append(t.probeClasses)
        .append(
            ", whose images the pre-training never saw (their train split fits the probe, their test split "
                + "scores it).\n\n| | linear probe | k-NN |");
    shots.forEach(n -> s.append(" ").append(n).append("-shot |"));
    s.append(" train wall time |\n|---|---|---|");
    shots.forEach(n -> s.append("---|"));
    s.append("---|\n");
    for (Row r : rows) {
      Map<String, Double> f = r.figures();
      s.append("| ")
          .append(r.name())
          .append(" | ")
          .append(pct(f.get("eval/linear_probe_top1")))
          .append(" | ")
          .append(pct(f.get("eval/knn_top1")))
          .append(" |");
      for (int n : shots) {
        s.append(" ")
            .append(pct(f.get("eval/few_shot_" + n + "_mean")))
            .append(" ± ")
            .append(pct(f.get("eval/few_shot_" + n + "_std")))
            .append(" |");
      }
      Double seconds = f.get(Experiment.TrainingCost.SECONDS);
      s.append(seconds != null ? String.format(Locale.ROOT, " %.1f min |", seconds / 60) : " – |")
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
}

package org.sorcen.train.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.sorcen.export.io.AtomicFiles;

/**
 * The efficiency figure beside the results table: k-NN top-1 against training time, one line per
 * method through the mean over seeds at each evaluation, with a translucent band of mean ± std
 * over seeds. Seeds of one method evaluate at the same steps (same config), so their points are
 * matched by step; x is the mean of their training minutes there. Drawn by JFreeChart off-screen.
 */
final class KnnTimeFigure {
  static final int WIDTH = 900;
  static final int HEIGHT = 560;

  /** Line colours per method in table order (colour-blind-safe Okabe–Ito), repeated if more. */
  private static final Color[] COLOURS = {
    new Color(0xE69F00),
    new Color(0x0072B2),
    new Color(0x009E73),
    new Color(0xCC79A7),
    new Color(0xD55E00),
    new Color(0x56B4E9)
  };

  private KnnTimeFigure() {}

  /** One plotted point of a method: the mean over seeds at one evaluation step. */
  record Point(long step, double minutes, SeedSpread knn) {}

  /** The mean curve of {@code seeds}' curves at the steps every one of them evaluated. */
  static List<Point> mean(List<TrainingCurve> seeds) {
    Map<Long, List<TrainingCurve.Point>> byStep = new TreeMap<>();
    seeds.forEach(
        c ->
            c.points()
                .forEach(p -> byStep.computeIfAbsent(p.step(), k -> new ArrayList<>()).add(p)));
    List<Point> out = new ArrayList<>();
    byStep.forEach(
        (step, ps) -> {
          if (ps.size() == seeds.size()) {
            double minutes =
                ps.stream().mapToDouble(TrainingCurve.Point::minutes).average().orElseThrow();
            out.add(
                new Point(
                    step,
                    minutes,
                    SeedSpread.of(ps.stream().map(TrainingCurve.Point::knn).toList())));
          }
        });
    return out;
  }

  /** Draws the figure; methods without at least two points are left out (null: nothing to draw). */
  static BufferedImage draw(Map<String, List<Point>> methods, int knnRows) {
    // Off-screen: the experiment runs on servers without a display.
    System.setProperty("java.awt.headless", "true");
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    Map<String, List<Point>> drawn = new LinkedHashMap<>();
    methods.forEach(
        (name, points) -> {
          if (points.size() >= 2) {
            YIntervalSeries s = new YIntervalSeries(name);
            for (Point p : points) {
              double std = p.knn().spread() ? p.knn().std() : 0;
              s.add(
                  p.minutes(),
                  100 * p.knn().mean(),
                  100 * (p.knn().mean() - std),
                  100 * (p.knn().mean() + std));
            }
            data.addSeries(s);
            drawn.put(name, points);
          }
        });
    if (drawn.isEmpty()) {
      return null;
    }
    String memory = knnRows > 0 ? "up to " + knnRows + " training rows" : "all training rows";
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "k-NN top-1 against training time",
            "training time (minutes of steps; evaluations and pauses excluded)",
            "k-NN top-1 (%), " + memory + " as memory",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    DeviationRenderer r = new DeviationRenderer(true, true);
    r.setAlpha(0.25f);
    for (int i = 0; i < drawn.size(); i++) {
      Color c = COLOURS[i % COLOURS.length];
      r.setSeriesPaint(i, c);
      r.setSeriesFillPaint(i, c);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(r);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    return chart.createBufferedImage(WIDTH, HEIGHT);
  }

  /** Writes {@code image} as PNG at {@code png}, whole or not at all. */
  static void write(Path png, BufferedImage image) {
    AtomicFiles.write(
        png,
        out -> {
          if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer");
          }
        });
  }
}

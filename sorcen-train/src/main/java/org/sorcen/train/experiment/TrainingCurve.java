package org.sorcen.train.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.run.MetricsLog;

/**
 * A run's k-NN top-1 against its training time, read from its {@code metrics.jsonl}: the step-0
 * reference row's {@code knn/init} (the weights before the first update) and every {@code eval}
 * row's {@code eval/knn_top1}. Time is the sum of step time, not the wall clock: the eval row's
 * {@code train_seconds}, the training loop's time without checkpoints and evaluations, continued
 * from the checkpoint a resumed process starts from. So the pauses between resumed invocations, the
 * evaluations drawing this curve, the start-up and the steps a kill made a run repeat count for
 * nothing, and every method is charged only for its steps. Rows written before that field existed
 * are timed from the train rows: each covers the steps since the previous one at its {@code
 * samples_per_second} (which over-charges the first row after a resume, whose rate measured only
 * that process's steps).
 */
record TrainingCurve(List<Point> points) {
  /** One evaluation: the step, the training minutes up to it, its k-NN top-1. */
  record Point(long step, double minutes, double knn) {}

  static final String REFERENCE_KIND = "reference";
  static final String INIT = "knn/init";
  static final String KNN = "eval/knn_top1";

  static TrainingCurve read(Path metrics, int batchSize) {
    List<JsonNode> rows = MetricsLog.rows(metrics);
    List<long[]> windowSteps = new ArrayList<>(); // {from, to} of each train row's window
    List<Double> windowRates = new ArrayList<>();
    long previous = 0;
    for (JsonNode r : rows) {
      if (r.path("kind").asText().equals("train") && r.path("samples_per_second").asDouble() > 0) {
        long step = r.path("step").asLong();
        windowSteps.add(new long[] {previous, step});
        windowRates.add(r.path("samples_per_second").asDouble());
        previous = step;
      }
    }
    List<Point> out = new ArrayList<>();
    for (JsonNode r : rows) {
      String kind = r.path("kind").asText();
      if (kind.equals(REFERENCE_KIND) && r.has(INIT) && r.path("step").asLong() == 0) {
        out.add(new Point(0, 0, r.path(INIT).asDouble()));
      } else if (kind.equals("eval") && r.has(KNN)) {
        long step = r.path("step").asLong();
        double seconds =
            r.has(TrainingLoop.TRAIN_SECONDS)
                ? r.path(TrainingLoop.TRAIN_SECONDS).asDouble()
                : seconds(step, windowSteps, windowRates, batchSize);
        out.add(new Point(step, seconds / 60, r.path(KNN).asDouble()));
      }
    }
    return new TrainingCurve(out);
  }

  /** Step time up to {@code step}; a step past the last train row is charged at that row's rate. */
  private static double seconds(
      long step, List<long[]> windows, List<Double> rates, int batchSize) {
    double s = 0;
    for (int i = 0; i < windows.size(); i++) {
      long from = windows.get(i)[0];
      long to = i == windows.size() - 1 ? Math.max(windows.get(i)[1], step) : windows.get(i)[1];
      long covered = Math.min(to, step) - from;
      if (covered > 0) {
        s += covered * (double) batchSize / rates.get(i);
      }
    }
    return s;
  }
}

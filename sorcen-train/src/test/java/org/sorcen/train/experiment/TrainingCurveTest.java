package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k-NN curve's time axis is summed step time; seeds are matched by step. */
class TrainingCurveTest {
  @Test
  void timeIsStepTimeFromTheTrainRowsNotTheWallClock(@TempDir Path tmp) throws Exception {
    // Batch 8. Steps 0-10 at 80 samples/s: 1 s; 10-20 at 40/s: 2 s. An hour passes between the two
    // rows (the run was resumed) and must not count.
    Path metrics =
        Files.writeString(
            tmp.resolve("metrics.jsonl"),
            """
        {"kind":"reference","step":0,"time":100.0,"knn/init":0.2}
        {"kind":"train","step":10,"time":110.0,"samples_per_second":80.0}
        {"kind":"eval","step":10,"time":130.0,"eval/knn_top1":0.4}
        {"kind":"eval","step":15,"time":3800.0,"eval/knn_top1":0.5}
        {"kind":"train","step":20,"time":3810.0,"samples_per_second":40.0}
        {"kind":"eval","step":20,"time":3830.0,"eval/knn_top1":0.6,"knn/init":0.2}
        """);
    List<TrainingCurve.Point> p = TrainingCurve.read(metrics, 8).points();
    assertEquals(
        List.of(
            new TrainingCurve.Point(0, 0, 0.2),
            new TrainingCurve.Point(10, 1 / 60.0, 0.4),
            new TrainingCurve.Point(15, 2 / 60.0, 0.5),
            new TrainingCurve.Point(20, 3 / 60.0, 0.6)),
        p);
  }

  @Test
  void aResumedRunIsTimedByItsTrainingTimeNotByTheFirstRateAfterTheResume(@TempDir Path tmp)
      throws Exception {
    // Batch 8. Killed after step 15 with its checkpoint at 12 (1.4 s); the resumed process's first
    // row covers steps 12-20 at 16 samples/s (the first step compiles). Read from the rates, steps
    // 10-20 would cost 10 x 8 / 16 = 5 s, 6 s in all, where the run trained 5.4 s.
    Path metrics =
        Files.writeString(
            tmp.resolve("metrics.jsonl"),
            """
        {"kind":"reference","step":0,"time":100.0,"knn/init":0.2}
        {"kind":"train","step":10,"time":110.0,"samples_per_second":80.0,"train_seconds":1.0}
        {"kind":"eval","step":10,"time":130.0,"eval/knn_top1":0.4,"train_seconds":1.0}
        {"kind":"train","step":20,"time":3810.0,"samples_per_second":16.0,"train_seconds":5.4}
        {"kind":"eval","step":20,"time":3830.0,"eval/knn_top1":0.6,"train_seconds":5.4}
        """);
    assertEquals(
        List.of(
            new TrainingCurve.Point(0, 0, 0.2),
            new TrainingCurve.Point(10, 1 / 60.0, 0.4),
            new TrainingCurve.Point(20, 5.4 / 60, 0.6)),
        TrainingCurve.read(metrics, 8).points());
  }

  @Test
  void theMethodsLineIsTheMeanOverSeedsAtStepsEverySeedEvaluated() {
    TrainingCurve a =
        new TrainingCurve(
            List.of(
                new TrainingCurve.Point(0, 0, 0.2),
                new TrainingCurve.Point(10, 1, 0.4),
                new TrainingCurve.Point(20, 2, 0.6)));
    TrainingCurve b =
        new TrainingCurve(
            List.of(new TrainingCurve.Point(0, 0, 0.4), new TrainingCurve.Point(10, 3, 0.6)));
    List<KnnTimeFigure.Point> m = KnnTimeFigure.mean(List.of(a, b));
    assertEquals(2, m.size(), "step 20 is only in one seed's curve (still running)");
    assertEquals(10, m.get(1).step());
    assertEquals(2.0, m.get(1).minutes(), 1e-12);
    assertEquals(0.5, m.get(1).knn().mean(), 1e-12);
    assertEquals(0.2 / Math.sqrt(2), m.get(1).knn().std(), 1e-12);
  }
}

package org.sorcen.graph.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** A bright square top-left (class 0) or bottom-right (class 1) on 8×8 noise: a few dozen steps learn it. */
class ClassifierTrainingGraphTest {
  private static final int SIZE = 8;
  private static final int BATCH = 16;
  private static final ClassifierConfig TINY =
      new ClassifierConfig(SIZE, 1, 2, List.of(4, 8), 16, 7);

  @Test
  void learnsWhereTheSquareIsAndStartsTheSameForTheSameSeed() {
    float[] first = initialLogits();
    assertArrayEquals(first, initialLogits(), "same seed, same initial weights");

    OptimizerConfig opt = new OptimizerConfig();
    opt.blr = 0.05;
    opt.warmupEpochs = 0;
    opt.weightDecay = 0;
    int steps = 40;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var images = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, SIZE, SIZE, 1)));
      var labels = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      ClassifierTrainingGraph t =
          ClassifierTrainingGraph.build(tf, TINY, opt, BATCH, steps, 1, images, labels);
      try (Session s = new Session(g)) {
        Random random = new Random(1);
        for (int step = 0; step < steps; step++) {
          Batch b = squares(BATCH, random);
          try (TUint8 x = b.images();
              TInt64 y = b.labels();
              Result r = s.runner().feed(images, x).feed(labels, y).addTarget(t.trainOp()).run()) {
            // training only
          }
        }
        Batch test = squares(200, new Random(99));
        try (TUint8 x = test.images();
            TInt64 y = test.labels();
            Result r =
                s.runner()
                    .feed(images, x)
                    .feed(labels, y)
                    .fetch(t.metrics().get("accuracy"))
                    .fetch(t.outputs().features())
                    .run()) {
          assertEquals(1.0f, ((TFloat32) r.get(0)).getFloat(), 0.01f, "test accuracy");
          assertEquals(Shape.of(200, TINY.featureDim()), r.get(1).shape());
        }
      }
    }
  }

  private static float[] initialLogits() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var vars = new Variables(tf);
      ClassifierModel.declare(vars, TINY);
      Batch b = squares(4, new Random(5));
      try (TUint8 x = b.images()) {
        var logits = ClassifierModel.forward(tf, vars::read, TINY, tf.constantOf(x)).logits();
        try (Result r = s.runner().fetch(logits).run()) {
          float[] out = new float[8];
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
          return out;
        }
      }
    }
  }

  private record Batch(byte[] pixels, long[] classes) {
    TUint8 images() {
      return TUint8.tensorOf(
          Shape.of(classes.length, SIZE, SIZE, 1), DataBuffers.of(pixels, true, false));
    }

    TInt64 labels() {
      return TInt64.tensorOf(Shape.of(classes.length), DataBuffers.of(classes, true, false));
    }
  }

  private static Batch squares(int n, Random random) {
    byte[] px = new byte[n * SIZE * SIZE];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(2);
      int origin = y[i] == 0 ? 0 : SIZE / 2;
      for (int p = 0; p < SIZE * SIZE; p++) {
        px[i * SIZE * SIZE + p] = (byte) random.nextInt(60);
      }
      for (int dy = 0; dy < SIZE / 2; dy++) {
        for (int dx = 0; dx < SIZE / 2; dx++) {
          px[i * SIZE * SIZE + (origin + dy) * SIZE + origin + dx] =
              (byte) (180 + random.nextInt(76));
        }
      }
    }
    return new Batch(px, y);
  }
}

package org.sorcen.graph.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.CounterRandom;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.Precision;
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

class IterativeDecoderTest {
  static final SorcenConfig CONFIG =
      ConfigLoader.parse(
          """
      {"model": {"grid": 4, "codebook_size": 32, "embed_dim": 16, "depth": 1, "num_heads": 2,
        "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 16,
        "projector_dim": 8, "predictor_hidden_dim": 16}, "train": {"seed": 11}}
      """,
          "t",
          Map.of());

  @Test
  void inGraphCounterRandomEqualsTheJavaReferenceBitForBit() {
    long[] seeds = {0, 1, -7, Long.MAX_VALUE, 123456789012345L};
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var u = CounterRandom.uniform(tf, tf.constant(seeds), 5, 40);
      try (Result r = s.runner().fetch(u).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        for (int b = 0; b < seeds.length; b++) {
          for (int i = 0; i < 40; i++) {
            float v = t.getFloat(b, i);
            assertEquals(CounterRandom.uniform(seeds[b], 5, i), v, 0f);
            assertTrue(v > 0 && v < 1);
          }
        }
      }
    }
  }

  /** Generates with a randomly initialised tiny model; rows of {@code start} use MASK for unknown. */
  static long[] generate(long[] seeds, long[] start) {
    return generate(seeds, start, 8);
  }

  static long[] generate(long[] seeds, long[] start, int maxSteps) {
    int l = CONFIG.model.seqLen();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      SorcenVariables.declare(vars, CONFIG);
      var seedIn = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      var startIn = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, l)));
      var out =
          IterativeDecoder.decode(
              LayerContext.inference(tf, vars::read, Precision.of("float32")),
              CONFIG.model,
              seedIn,
              startIn,
              tf.constant(4.5f),
              tf.constant(6),
              maxSteps);
      s.initialize();
      try (TInt64 a = TInt64.tensorOf(Shape.of(seeds.length), DataBuffers.of(seeds, true, false));
          TInt64 b =
              TInt64.tensorOf(Shape.of(seeds.length, l), DataBuffers.of(start, true, false));
          Result r = s.runner().feed(seedIn, a).feed(startIn, b).fetch(out).run()) {
        long[] ids = new long[seeds.length * l];
        ((TInt64) r.get(0)).copyTo(DataBuffers.of(ids, false, false));
        return ids;
      }
    }
  }

  static long[] allMask(int rows) {
    long[] a = new long[rows * CONFIG.model.seqLen()];
    Arrays.fill(a, CONFIG.model.maskId());
    return a;
  }

  @Test
  void tokensAreValidDeterministicPerSeedAndIndependentOfTheBatch() {
    int l = CONFIG.model.seqLen();
    long[] pair = generate(new long[] {42, 7}, allMask(2));
    long[] triple = generate(new long[] {3, 42, 99}, allMask(3));
    long[] again = generate(new long[] {42, 7}, allMask(2));
    assertArrayEquals(pair, again);
    assertArrayEquals(
        Arrays.copyOfRange(pair, 0, l),
        Arrays.copyOfRange(triple, l, 2 * l),
        "seed 42 alone decides");
    assertFalse(Arrays.equals(Arrays.copyOfRange(pair, 0, l), Arrays.copyOfRange(pair, l, 2 * l)));
    for (long id : triple) {
      assertTrue(id >= 0 && id < CONFIG.model.codebookSize, "id " + id);
    }
  }

  @Test
  void stepsBeyondTheRequestedNumberAreSkipped() {
    assertArrayEquals(
        generate(new long[] {1, 2}, allMask(2), 6), generate(new long[] {1, 2}, allMask(2), 12));
  }

  @Test
  void inpaintingKeepsTheKnownTokens() {
    int l = CONFIG.model.seqLen();
    long[] start = allMask(1);
    for (int i = 0; i < l; i += 3) {
      start[i] = i % CONFIG.model.codebookSize;
    }
    long[] out = generate(new long[] {5}, start);
    for (int i = 0; i < l; i++) {
      if (start[i] != CONFIG.model.maskId()) {
        assertEquals(start[i], out[i], "position " + i);
      } else {
        assertTrue(out[i] < CONFIG.model.codebookSize);
      }
    }
  }
}

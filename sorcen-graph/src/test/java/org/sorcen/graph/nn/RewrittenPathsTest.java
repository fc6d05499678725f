package org.sorcen.graph.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.train.GradientClipping;
import org.sorcen.graph.train.Gradients;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The step's rewritten kernels against the plain graphs they replaced, values and gradients: the
 * rank-4 head split of attention, the codebook-only MLM logits, the multiplicative dropout mask and
 * the L2Loss global norm, GELU and LayerNorm as XLA-compiled chains, the hashed dropout mask with hand-written gradients. Data movement and exact rewrites must agree to the bit; reductions whose
 * summation order changed, to float32 rounding.
 */
class RewrittenPathsTest {
  private static final Random RANDOM = new Random(17);

  @Test
  void attentionEqualsTheRankFiveHeadSplit() {
    int b = 3;
    int n = 5;
    int d = 8;
    int heads = 2;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Map<String, Operand<TFloat32>> w = new HashMap<>();
      w.put("a.qkv.weight", random(tf, 3 * d, d));
      w.put("a.qkv.bias", random(tf, 3 * d));
      w.put("a.proj.weight", random(tf, d, d));
      w.put("a.proj.bias", random(tf, d));
      LayerContext ctx = LayerContext.inference(tf, w::get, Precision.of("float32"));
      Operand<TFloat32> x = random(tf, b, n, d);
      Operand<TFloat32> fast = Attention.apply(ctx, "a", x, heads);
      Operand<TFloat32> plain = rankFiveAttention(ctx, x, heads);
      Operand<TFloat32> probe = random(tf, b, n, d);
      assertSame(s, tf, fast, plain, probe, List.of(x, w.get("a.qkv.weight")), 0);
    }
  }

  @Test
  void batchedProductsOnOneDnnEqualTensorFlowsBatchMatMulV3() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> a = random(tf, 6, 9, 5);
      Operand<TFloat32> bt = random(tf, 6, 7, 5);
      Operand<TFloat32> b = random(tf, 6, 5, 7);
      // Different kernels sum in different orders: equal to float32 rounding, not to the bit.
      assertSame(
          s,
          tf,
          BatchedProduct.apply(tf, a, bt, true),
          tf.train.batchMatMul(a, bt, TFloat32.class, BatchMatMul.adjY(true)),
          random(tf, 6, 9, 7),
          List.of(a, bt),
          1e-5);
      assertSame(
          s,
          tf,
          BatchedProduct.apply(tf, a, b, false),
          tf.train.batchMatMul(a, b, TFloat32.class),
          random(tf, 6, 9, 7),
          List.of(a, b),
          1e-5);
      assertTrue(
          g.operation("BatchMatMulV2") != null && g.operation("BatchMatMulV2_1") != null,
          "the products are BatchMatMulV2, the op oneDNN's layout pass rewrites");
    }
  }

  @Test
  void gridLogitsAreTheFullLogitsAtTheGridOverTheCodebook() {
    int b = 2;
    int positions = 5;
    int width = 8;
    int vocab = 11;
    int codebook = 6;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Map<String, Operand<TFloat32>> w = new HashMap<>();
      w.put("mlm_layer.fc.weight", random(tf, width, width));
      w.put("mlm_layer.fc.bias", random(tf, width));
      w.put("mlm_layer.ln.weight", random(tf, width));
      w.put("mlm_layer.ln.bias", random(tf, width));
      w.put("mlm_layer.bias", random(tf, 1, 1, vocab));
      w.put(TokenEmbedding.WORDS, random(tf, vocab, width));
      LayerContext ctx = LayerContext.inference(tf, w::get, Precision.of("float32"));
      Operand<TFloat32> h = random(tf, b, positions + 1, width);
      Operand<TFloat32> full = MlmHead.apply(ctx, h);
      Operand<TFloat32> plain =
          tf.slice(
              full,
              tf.constant(new int[] {0, 1, 0}),
              tf.constant(new int[] {-1, positions, codebook}));
      Operand<TFloat32> fast = MlmHead.gridLogits(ctx, h, codebook);
      assertSame(
          s,
          tf,
          fast,
          plain,
          random(tf, b, positions, codebook),
          List.of(h, w.get("mlm_layer.fc.weight"), w.get("mlm_layer.bias")),
          0);
    }
  }

  @Test
  void dropoutMaskEqualsSelectingScaledValuesAndKeepsTheRate() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      RandomStream stream = new RandomStream(tf.constant(7L), 3);
      // odd row length: the word tail is cut off
      assertDropout(
          s, tf, LayerContext.training(tf, name -> null, Precision.of("float32"), 0.1, stream));
    }
  }

  /**
   * Two uses of {@code ctx.dropout} (rate 0.1) on [64, 5, 65, 7] values away from 0: kept elements
   * are x/(1−p) to the bit, with gradients; the kept share is the rate's; the second use draws a
   * fresh mask.
   */
  private static void assertDropout(Session s, Ops tf, LayerContext ctx) {
    double rate = 0.1;
    Operand<TFloat32> x = tf.math.add(tf.math.abs(random(tf, 64, 5, 65, 7)), tf.constant(1f));
    Operand<TFloat32> once = ctx.dropout(x);
    Operand<TFloat32> again = ctx.dropout(x);
    Operand<TBool> kept = tf.math.notEqual(once, tf.constant(0f));
    int[] all = {0, 1, 2, 3};
    Operand<TFloat32> keptFraction =
        tf.math.mean(tf.dtypes.cast(kept, TFloat32.class), tf.constant(all));
    Operand<TFloat32> sameMaskShare =
        tf.math.mean(
            tf.dtypes.cast(
                tf.math.equal(tf.math.notEqual(again, tf.constant(0f)), kept), TFloat32.class),
            tf.constant(all));
    // the plain graph on the same draw: select(keep, x/(1−p), 0), keep read back from the output
    Operand<TFloat32> scaled =
        tf.select(kept, tf.math.mul(x, tf.constant((float) (1 / (1 - rate)))), tf.zerosLike(x));
    assertSame(s, tf, once, scaled, random(tf, 64, 5, 65, 7), List.of(x), 0);
    try (Result r = s.runner().fetch(keptFraction).fetch(sameMaskShare).run()) {
      // 145 600 Bernoulli(0.9) draws: the standard error is 0.0008.
      assertEquals(1 - rate, ((TFloat32) r.get(0)).getFloat(), 0.004, "kept fraction");
      // two independent masks agree on p² + (1−p)² = 82% of elements
      assertEquals(0.82, ((TFloat32) r.get(1)).getFloat(), 0.01, "agreement of two uses");
    }
  }

  @Test
  void hashedDropMaskIsItsJavaDefinitionPerGlobalRow() {
    double rate = 0.1;
    long key = 0x1234_5678_9ABCL;
    long step = 5;
    float scale = (float) (1 / (1 - rate));
    // 35 elements a row: 9 words, the tail of the last quarter cut off
    int rows = 3;
    int perRow = 35;
    for (int replica : new int[] {0, 1}) {
      try (Graph g = new Graph();
          Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> x = random(tf, rows, 5, 7);
        Operand<TFloat32> mask = HashedDropMask.apply(tf, x, key, tf.constant(step), replica, rate);
        try (Result r = s.runner().fetch(mask).run()) {
          float[] got = values((TFloat32) r.get(0));
          assertEquals(rows * perRow, got.length);
          for (int row = 0; row < rows; row++) {
            for (int e = 0; e < perRow; e++) {
              // worker 1 of 2 draws global rows 3..5
              boolean kept = HashedDropMask.keep(key, step, replica * rows + row, perRow, e, rate);
              assertEquals(
                  kept ? scale : 0f, got[row * perRow + e], "row " + row + " element " + e);
            }
          }
        }
      }
    }
  }

  @Test
  void hashedDropoutKeepsTheRateAndDrawsAFreshMaskPerUse() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      RandomStream stream = new RandomStream(tf.constant(7L), 3);
      assertDropout(
          s,
          tf,
          LayerContext.training(tf, name -> null, Precision.of("float32"), 0.1, stream)
              .withXlaChains(true));
    }
  }

  @Test
  void geluCompiledByXlaEqualsThePlainGraph() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      LayerContext xla = plainContext(tf, Map.of()).withXlaChains(true);
      Operand<TFloat32> x = tf.math.mul(random(tf, 7, 33), tf.constant(3f));
      // float32 rounding of values up to ~10: a few ulps
      assertSame(s, tf, xla.gelu(x), Activations.gelu(tf, x), random(tf, 7, 33), List.of(x), 4e-6);
    }
  }

  @Test
  void transformerBlockWithXlaChainsEqualsThePlainGraph() {
    int b = 3;
    int n = 5;
    int d = 16;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Map<String, Operand<TFloat32>> w = new HashMap<>();
      for (String norm : List.of("blk.norm1", "blk.norm2")) {
        w.put(norm + ".weight", tf.math.add(random(tf, d), tf.constant(1f)));
        w.put(norm + ".bias", random(tf, d));
      }
      w.put("blk.attn.qkv.weight", tf.math.mul(random(tf, 3 * d, d), tf.constant(0.25f)));
      w.put("blk.attn.qkv.bias", random(tf, 3 * d));
      w.put("blk.attn.proj.weight", tf.math.mul(random(tf, d, d), tf.constant(0.25f)));
      w.put("blk.attn.proj.bias", random(tf, d));
      w.put("blk.mlp.fc1.weight", tf.math.mul(random(tf, 4 * d, d), tf.constant(0.25f)));
      w.put("blk.mlp.fc1.bias", random(tf, 4 * d));
      w.put("blk.mlp.fc2.weight", tf.math.mul(random(tf, d, 4 * d), tf.constant(0.25f)));
      w.put("blk.mlp.fc2.bias", random(tf, d));
      // weights at a trained network's scale keep the gradients near 1, where 2e-5 is ~100 ulps
      LayerContext plain = plainContext(tf, w);
      Operand<TFloat32> x = random(tf, b, n, d);
      Operand<TFloat32> fused = TransformerBlock.apply(plain.withXlaChains(true), "blk", x, 2);
      Operand<TFloat32> reference = TransformerBlock.apply(plain, "blk", x, 2);
      assertSame(
          s,
          tf,
          fused,
          reference,
          random(tf, b, n, d),
          List.of(
              x,
              w.get("blk.norm1.weight"),
              w.get("blk.norm2.bias"),
              w.get("blk.mlp.fc1.weight"),
              w.get("blk.mlp.fc1.bias")),
          2e-5);
    }
  }

  /** A training context without dropout: deterministic, so two builds of a layer are comparable. */
  private static LayerContext plainContext(Ops tf, Map<String, Operand<TFloat32>> w) {
    return LayerContext.training(tf, w::get, Precision.of("float32"), 0, null).withXlaChains(false);
  }

  @Test
  void l2LossNormEqualsTheRootOfTheSumOfSquares() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> grads =
          List.of(random(tf, 40, 30), random(tf, 30), random(tf, 2, 3, 4));
      List<Operand<TFloat32>> squares = new ArrayList<>();
      for (Operand<TFloat32> gr : grads) {
        squares.add(
            tf.reduceSum(
                tf.math.square(gr), tf.range(tf.constant(0), tf.rank(gr), tf.constant(1))));
      }
      Operand<TFloat32> plain = tf.math.sqrt(tf.math.addN(squares));
      Operand<TFloat32> fast = new GradientClipping(tf, grads, 1.0).globalNorm();
      try (Result r = s.runner().fetch(fast).fetch(plain).run()) {
        float a = ((TFloat32) r.get(0)).getFloat();
        float e = ((TFloat32) r.get(1)).getFloat();
        assertTrue(e > 1, "the norm is not trivially small");
        assertEquals(e, a, 2e-6 * e);
      }
    }
  }

  /** The attention this project used before the rank-4 split: [B, N, 3, H, dh] → [3, B, H, N, dh]. */
  private static Operand<TFloat32> rankFiveAttention(
      LayerContext ctx, Operand<TFloat32> x, int heads) {
    Ops tf = ctx.tf();
    long n = x.shape().get(1);
    long width = x.shape().get(2);
    long headDim = width / heads;
    Operand<TFloat32> qkv = Linear.apply(ctx, "a.qkv", x);
    qkv = tf.reshape(qkv, tf.constant(new long[] {-1, n, 3, heads, headDim}));
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {2, 0, 3, 1, 4}));
    var parts = tf.unstack(qkv, 3L).output();
    Operand<TFloat32> q = tf.math.mul(parts.get(0), tf.constant((float) Math.pow(headDim, -0.5)));
    Operand<TFloat32> scores = ctx.precision().batchMatMul(tf, q, parts.get(1), true);
    Operand<TFloat32> mixed =
        ctx.precision().batchMatMul(tf, tf.nn.softmax(scores), parts.get(2), false);
    mixed = tf.linalg.transpose(mixed, tf.constant(new int[] {0, 2, 1, 3}));
    mixed = tf.reshape(mixed, tf.constant(new long[] {-1, n, width}));
    return Linear.apply(ctx, "a.proj", mixed);
  }

  /** Values of {@code fast} and {@code plain}, and the gradients of Σ probe·y w.r.t. {@code inputs}, agree. */
  private static void assertSame(
      Session s,
      Ops tf,
      Operand<TFloat32> fast,
      Operand<TFloat32> plain,
      Operand<TFloat32> probe,
      List<Operand<TFloat32>> inputs,
      double tolerance) {
    Operand<TInt32> all = tf.range(tf.constant(0), tf.rank(fast), tf.constant(1));
    List<Operand<TFloat32>> gf =
        Gradients.of(tf, tf.reduceSum(tf.math.mul(fast, probe), all), inputs);
    List<Operand<TFloat32>> gp =
        Gradients.of(tf, tf.reduceSum(tf.math.mul(plain, probe), all), inputs);
    Session.Runner runner = s.runner().fetch(fast).fetch(plain);
    for (int i = 0; i < inputs.size(); i++) {
      runner.fetch(gf.get(i)).fetch(gp.get(i));
    }
    try (Result r = runner.run()) {
      for (int k = 0; k < r.size(); k += 2) {
        float[] a = values((TFloat32) r.get(k));
        float[] e = values((TFloat32) r.get(k + 1));
        assertEquals(e.length, a.length);
        for (int i = 0; i < a.length; i++) {
          assertEquals(
              e[i], a[i], tolerance, (k == 0 ? "value" : "gradient " + (k / 2 - 1)) + " at " + i);
        }
      }
    }
  }

  private static float[] values(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static Operand<TFloat32> random(Ops tf, long... shape) {
    Shape sh = Shape.of(shape);
    float[] v = new float[(int) sh.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) RANDOM.nextGaussian();
    }
    return tf.constant(sh, DataBuffers.of(v));
  }
}

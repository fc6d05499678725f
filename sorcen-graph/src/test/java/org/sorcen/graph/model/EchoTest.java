package org.sorcen.graph.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** ALGORITHM.md §4.7: top-k excluding the argmax, sampled from the softmax over the k candidates. */
class EchoTest {
  private static final int GRID = 4;
  private static final int L = GRID * GRID;
  private static final int C = 64;
  private static final int K = 15;
  private static final int B = 8;

  private static ModelConfig model() {
    ModelConfig m = new SorcenConfig().model;
    m.grid = GRID;
    m.codebookSize = C;
    return m;
  }

  /**
   * Runs Echo.sample on fixed logits [B, L+1, V] for each step; returns draws[step][b·L + i]. The
   * logits are fed through a placeholder of unknown batch, as in the exported model.
   */
  private static long[][] draw(float[] logits, int vocab, long seed, long[] steps) {
    long[][] out = new long[steps.length][];
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, L + 1, vocab)));
      Operand<TFloat32> grid =
          tf.slice(
              x,
              tf.constant(new int[] {0, 1, 0}),
              tf.constant(new int[] {-1, L, model().codebookSize}));
      Operand<TInt64> echo = Echo.sample(tf, model(), K, grid, new RandomStream(step, seed));
      try (TFloat32 xt =
          TFloat32.tensorOf(Shape.of(B, L + 1, vocab), DataBuffers.of(logits, true, false))) {
        for (int j = 0; j < steps.length; j++) {
          try (TInt64 st = TInt64.scalarOf(steps[j]);
              Result r = s.runner().feed(step, st).feed(x, xt).fetch(echo).run()) {
            TInt64 e = (TInt64) r.get(0);
            assertEquals(Shape.of(B, L), e.shape());
            long[] a = new long[(int) e.size()];
            e.copyTo(DataBuffers.of(a, false, false));
            out[j] = a;
          }
        }
      }
    }
    return out;
  }

  private static long[] range(int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static int at(int b, int pos, int id, int vocab) {
    return (b * (L + 1) + pos) * vocab + id;
  }

  /** Ids of the first C logits at (b, pos) sorted by descending logit. */
  private static Integer[] ranking(float[] logits, int b, int pos, int vocab) {
    Integer[] ids = new Integer[C];
    for (int c = 0; c < C; c++) {
      ids[c] = c;
    }
    Arrays.sort(
        ids, (p, q) -> Float.compare(logits[at(b, pos, q, vocab)], logits[at(b, pos, p, vocab)]));
    return ids;
  }

  @Test
  void samplesAmongTopKExcludingArgmaxOfTheFirstCIds() {
    int vocab = model().vocabSize(); // V = C + 1001 > C
    Random rnd = new Random(1);
    float[] logits = new float[B * (L + 1) * vocab];
    for (int b = 0; b < B; b++) {
      for (int pos = 0; pos <= L; pos++) {
        for (int v = 0; v < vocab; v++) {
          // Ids >= C (class ids, MASK) get huge logits: they must never be chosen.
          logits[at(b, pos, v, vocab)] =
              v < C ? (float) rnd.nextGaussian() : 50f + (float) rnd.nextGaussian();
        }
      }
      // Position 0 (CLS) has a pattern of its own: its logits must be ignored.
      for (int v = 0; v < C; v++) {
        logits[at(b, 0, v, vocab)] = 100f - v;
      }
    }
    int steps = 60;
    long[][] draws = draw(logits, vocab, 3, range(steps));
    for (int b = 0; b < B; b++) {
      for (int i = 0; i < L; i++) {
        Integer[] rank = ranking(logits, b, i + 1, vocab);
        Set<Long> top16 = new HashSet<>();
        for (int k = 0; k <= K; k++) {
          top16.add((long) rank[k]);
        }
        Set<Long> seen = new HashSet<>();
        for (long[] d : draws) {
          long id = d[b * L + i];
          assertTrue(id >= 0 && id < C, "id " + id + " outside [0, C)");
          assertNotEquals((long) rank[0], id, "the argmax was chosen at b=" + b + " i=" + i);
          assertTrue(
              top16.contains(id), "id " + id + " not among the 16 largest at b=" + b + " i=" + i);
          seen.add(id);
        }
        assertTrue(seen.size() > 1, "position b=" + b + " i=" + i + " always gives " + seen);
      }
    }
  }

  @Test
  void frequenciesFollowTheSoftmaxOverTheCandidates() {
    // Per position: a random permutation of the first C ids; rank 0 is the argmax, ranks 1..15 get
    // logits ln(16 − rank) + shift (so softmax probabilities (16 − rank)/120), the rest far below.
    int vocab = C + 10;
    Random rnd = new Random(2);
    float[] logits = new float[B * (L + 1) * vocab];
    int[][][] idOfRank = new int[B][L][];
    for (int b = 0; b < B; b++) {
      for (int pos = 0; pos <= L; pos++) {
        int[] perm = shuffled(rnd);
        float shift = (float) rnd.nextGaussian() * 3;
        for (int r = 0; r < C; r++) {
          float v;
          if (r == 0) {
            v = shift + (float) Math.log(15) + 6f;
          } else if (r <= K) {
            v = shift + (float) Math.log(16 - r);
          } else {
            v = shift - 8f - r * 0.01f;
          }
          logits[at(b, pos, perm[r], vocab)] = v;
        }
        for (int v = C; v < vocab; v++) {
          logits[at(b, pos, v, vocab)] = 1000f;
        }
        if (pos > 0) {
          idOfRank[b][pos - 1] = perm;
        }
      }
    }
    int steps = 100;
    long[][] draws = draw(logits, vocab, 4, range(steps));
    long[] countByRank = new long[C];
    for (long[] d : draws) {
      for (int b = 0; b < B; b++) {
        for (int i = 0; i < L; i++) {
          long id = d[b * L + i];
          int r = indexOf(idOfRank[b][i], (int) id);
          assertTrue(r >= 0, "id " + id + " outside [0, C)");
          countByRank[r]++;
        }
      }
    }
    long n = (long) steps * B * L;
    assertEquals(0, countByRank[0], "argmax chosen");
    for (int r = K + 1; r < C; r++) {
      assertEquals(0, countByRank[r], "rank " + r + " chosen");
    }
    for (int r = 1; r <= K; r++) {
      double p = (16 - r) / 120.0;
      double se = Math.sqrt(p * (1 - p) / n);
      assertEquals(p, countByRank[r] / (double) n, 5 * se, "frequency of rank " + r);
    }
  }

  @Test
  void oneMuchLargerCandidateDominates() {
    int vocab = C + 1;
    Random rnd = new Random(3);
    float[] logits = new float[B * (L + 1) * vocab];
    int[][] dominant = new int[B][L];
    for (int b = 0; b < B; b++) {
      for (int pos = 0; pos <= L; pos++) {
        int[] perm = shuffled(rnd);
        for (int r = 0; r < C; r++) {
          float v =
              r == 0
                  ? 20f
                  : r == 1
                      ? 12f
                      : r <= K ? 6f + (float) rnd.nextDouble() : (float) rnd.nextDouble();
          logits[at(b, pos, perm[r], vocab)] = v;
        }
        logits[at(b, pos, C, vocab)] = 40f;
        if (pos > 0) {
          dominant[b][pos - 1] = perm[1];
        }
      }
    }
    int steps = 40;
    long[][] draws = draw(logits, vocab, 5, range(steps));
    long hits = 0;
    long n = 0;
    for (long[] d : draws) {
      for (int b = 0; b < B; b++) {
        for (int i = 0; i < L; i++) {
          hits += d[b * L + i] == dominant[b][i] ? 1 : 0;
          n++;
        }
      }
    }
    // p(dominant) >= e^12 / (e^12 + 14·e^7) ≈ 0.914; the argmax (20) would be chosen if not
    // excluded.
    double pMin = Math.exp(12) / (Math.exp(12) + 14 * Math.exp(7));
    assertTrue(
        hits / (double) n > pMin - 0.02, "dominant candidate frequency " + hits / (double) n);
    assertTrue(hits < n, "never sampled anything but the dominant candidate: not a softmax sample");
  }

  @Test
  void reproducibleForSameStepAndSeedAndVariesAcrossSteps() {
    int vocab = C + 1;
    Random rnd = new Random(4);
    float[] logits = new float[B * (L + 1) * vocab];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) rnd.nextGaussian();
    }
    long[][] a = draw(logits, vocab, 6, new long[] {7, 8, 7});
    long[][] b = draw(logits, vocab, 6, new long[] {7});
    long[][] c = draw(logits, vocab, 99, new long[] {7});
    assertArrayEquals(a[0], a[2], "same step, same session");
    assertArrayEquals(a[0], b[0], "same step and seed, new graph");
    assertFalse(Arrays.equals(a[0], a[1]), "steps 7 and 8 give the same echo");
    assertFalse(Arrays.equals(a[0], c[0]), "seeds 6 and 99 give the same echo");
  }

  private static int[] shuffled(Random rnd) {
    int[] perm = new int[C];
    for (int i = 0; i < C; i++) {
      perm[i] = i;
    }
    for (int i = C - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }
}

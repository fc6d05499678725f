package org.sorcen.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InceptionScoreAnalogueTest {
  private static final int K = 10;
  private static final int SPLITS = 5;

  @Test
  void confidentAndEvenlySpreadGivesTheNumberOfClasses() {
    float[][] p = new float[SPLITS * K * 3][K];
    for (int i = 0; i < p.length; i++) {
      p[i][i % K] = 1;
    }
    InceptionScoreAnalogue s = InceptionScoreAnalogue.of(p, SPLITS);
    assertEquals(K, s.mean(), 1e-9);
    assertEquals(0, s.std(), 1e-9);
  }

  @Test
  void oneClassForAllOrNoConfidenceGivesOne() {
    float[][] same = new float[100][K];
    float[][] uniform = new float[100][K];
    for (int i = 0; i < 100; i++) {
      same[i][3] = 1;
      Arrays.fill(uniform[i], 1f / K);
    }
    assertEquals(1, InceptionScoreAnalogue.of(same, SPLITS).mean(), 1e-9);
    assertEquals(1, InceptionScoreAnalogue.of(uniform, SPLITS).mean(), 1e-6);
  }
}

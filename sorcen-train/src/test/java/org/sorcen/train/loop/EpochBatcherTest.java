package org.sorcen.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.sorcen.train.data.EpochBatcher;
import org.sorcen.train.data.Permutations;

class EpochBatcherTest {
  @Test
  void theOrderIsTheTrainersSeededFisherYatesPerEpoch() {
    // The order the tokenizer and classifier trainers drew before the kit: their figures depend on
    // it.
    EpochBatcher b = new EpochBatcher(10, 3, 7);
    assertEquals(3, b.stepsPerEpoch());
    for (long epoch = 0; epoch < 3; epoch++) {
      int[] order = new int[10];
      Permutations.fresh(order, new Random(7 * 1_000_003L + epoch));
      for (int k = 0; k < 3; k++) {
        assertArrayEquals(
            Arrays.copyOfRange(order, k * 3, k * 3 + 3),
            b.rows(epoch * 3 + k).clone(),
            "epoch " + epoch + " batch " + k);
      }
    }
  }

  @Test
  void anEpochVisitsDistinctRowsAndSkipsThePartialBatch() {
    EpochBatcher b = new EpochBatcher(11, 4, 1);
    TreeSet<Integer> seen = new TreeSet<>();
    for (long s = 0; s < b.stepsPerEpoch(); s++) {
      for (int r : b.rows(s)) {
        assertFalse(!seen.add(r), "row " + r + " twice in one epoch");
      }
    }
    assertEquals(8, seen.size());
  }

  @Test
  void aResumedBatcherDrawsWhatAnUninterruptedOneDraws() {
    EpochBatcher straight = new EpochBatcher(20, 4, 3);
    int[][] all = new int[23][];
    for (int s = 0; s < all.length; s++) {
      all[s] = straight.rows(s).clone();
    }
    for (int resumeAt : new int[] {1, 5, 7, 13}) {
      EpochBatcher resumed = new EpochBatcher(20, 4, 3);
      for (int s = resumeAt; s < all.length; s++) {
        assertArrayEquals(all[s], resumed.rows(s), "step " + s + " after resuming at " + resumeAt);
      }
    }
    assertFalse(
        Arrays.equals(all[0], new EpochBatcher(20, 4, 4).rows(0)), "another seed, another order");
  }

  @Test
  void fewerRowsThanABatchAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EpochBatcher(3, 4, 0));
  }
}

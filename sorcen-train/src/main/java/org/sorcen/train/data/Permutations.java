package org.sorcen.train.data;

import java.util.Random;

/** Seeded row orders for the Java-fed trainers (tokenizer, classifier, evaluation heads). */
public final class Permutations {
  private Permutations() {}

  /** Resets {@code order} to 0..n−1, then shuffles it: an epoch's order depends only on {@code random}. */
  public static void fresh(int[] order, Random random) {
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    shuffle(order, random);
  }

  /** Fisher–Yates in place. */
  public static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

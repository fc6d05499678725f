package org.sorcen.train.cluster;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.CrossReplica;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;

/**
 * The start-up check that every worker runs the same job: each feeds the digests of what must agree
 * (worker count, config sections, dataset) and an all-gather shows everyone everyone's. A worker
 * started with another config, dataset or cluster is refused, the difference named, before any step.
 */
public final class Agreement {
  /** Digest slots: enough for every item; unused ones are 0. */
  public static final int SLOTS = 32;

  private final Placeholder<TInt64> mine;
  private final Operand<TInt64> all;
  private final int workers;

  private Agreement(Placeholder<TInt64> mine, Operand<TInt64> all, int workers) {
    this.mine = mine;
    this.all = all;
    this.workers = workers;
  }

  public static Agreement build(Ops tf, CrossReplica replicas) {
    Placeholder<TInt64> mine =
        tf.withName("agreement_digest")
            .placeholder(TInt64.class, Placeholder.shape(Shape.of(1, SLOTS)));
    return new Agreement(mine, replicas.gatherRows(tf, mine), replicas.count());
  }

  /** One named item to agree on. */
  public record Item(String name, long digest) {}

  /**
   * Runs the gather (every worker must call this at start-up) and throws an
   * {@link IllegalArgumentException} naming the first item where a worker differs from the chief.
   */
  public void check(Session session, List<Item> items) {
    if (items.size() > SLOTS) {
      throw new IllegalStateException(items.size() + " agreement items for " + SLOTS + " slots");
    }
    long[] row = new long[SLOTS];
    for (int i = 0; i < items.size(); i++) {
      row[i] = items.get(i).digest();
    }
    long[][] rows = new long[workers][SLOTS];
    try (TInt64 feed =
            TInt64.tensorOf(
                Shape.of(1, SLOTS),
                b -> {
                  for (int i = 0; i < SLOTS; i++) {
                    b.setLong(row[i], 0, i);
                  }
                });
        Result r = session.runner().feed(mine, feed).fetch(all).run()) {
      TInt64 got = (TInt64) r.get(0);
      for (int w = 0; w < workers; w++) {
        for (int i = 0; i < SLOTS; i++) {
          rows[w][i] = got.getLong(w, i);
        }
      }
    }
    List<String> differences = new ArrayList<>();
    for (int w = 1; w < workers; w++) {
      for (int i = 0; i < items.size(); i++) {
        if (rows[w][i] != rows[0][i]) {
          differences.add("worker " + w + "'s " + items.get(i).name());
        }
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          "the workers do not run the same job: "
              + String.join(", ", differences)
              + " differs from the chief's (worker 0); start every worker with the same config, data and --cluster");
    }
  }
}

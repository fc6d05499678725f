package org.sorcen.train.eval;

import java.nio.file.Path;
import java.util.Arrays;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.graph.config.SorcenConfig;

/**
 * A frozen encoder: flat token rows (L ids each) to one embedding per row, ALGORITHM.md §8's official
 * probe feature.
 */
public interface Embedder extends AutoCloseable {
  /** Rows per call into TensorFlow. */
  int BATCH = 256;

  float[][] embed(long[] ids);

  @Override
  void close();

  /** An exported encoder SavedModel ({@code sorcen-encoder/<version>}). */
  static Embedder savedModel(Path dir) {
    return of(SorcenEncoder.load(dir));
  }

  /**
   * A training checkpoint (bundle prefix {@code .../step-N/ckpt}) of a run with this config,
   * restored by variable name into the encoder's inference graph (no teacher, optimizer or heads).
   */
  static Embedder checkpoint(SorcenConfig config, Path prefix) {
    return of(SorcenEncoder.fromCheckpoint(config, prefix));
  }

  private static Embedder of(SorcenEncoder encoder) {
    return new Embedder() {
      @Override
      public float[][] embed(long[] ids) {
        int l = encoder.seqLen();
        if (ids.length % l != 0) {
          throw new IllegalArgumentException(ids.length + " ids are not rows of " + l);
        }
        float[][] out = new float[ids.length / l][];
        for (int from = 0; from < out.length; from += BATCH) {
          int n = Math.min(BATCH, out.length - from);
          long[][] rows = new long[n][];
          for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(ids, (from + i) * l, (from + i + 1) * l);
          }
          System.arraycopy(encoder.embed(rows), 0, out, from, n);
        }
        return out;
      }

      @Override
      public void close() {
        encoder.close();
      }
    };
  }
}

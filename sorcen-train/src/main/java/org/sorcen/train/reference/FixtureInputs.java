package org.sorcen.train.reference;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.WeightsException;

/**
 * The {@code input.*} tensors of a fixture, checked before they reach TensorFlow: ids in range,
 * dropped ⊂ masked, the same number of dropped positions in every row.
 */
record FixtureInputs(
    int batch, long[] tokens, boolean[] dropped, boolean[] masked, long[] echo, long[] labels) {

  static FixtureInputs read(Safetensors file) {
    Safetensors.Entry t = file.entry("input.tokens");
    if (t.shape().length != 2) {
      throw new WeightsException(
          file.file() + ": input.tokens must be B×L, got " + t.shapeString());
    }
    int batch = (int) t.shape()[0];
    int seqLen = (int) t.shape()[1];
    long[] tokens = file.longs("input.tokens");
    boolean[] dropped = flags(file, "input.drop_mask", batch * seqLen);
    boolean[] masked = flags(file, "input.token_mask", batch * seqLen);
    // MAGE has no echo: its fixtures leave it out.
    long[] echo =
        file.entries().containsKey("input.echo_tokens")
            ? file.longs("input.echo_tokens")
            : tokens.clone();
    long[] labels =
        file.entries().containsKey("input.labels") ? file.longs("input.labels") : new long[batch];
    if (echo.length != tokens.length) {
      throw new WeightsException(
          file.file() + ": input.echo_tokens must have the shape of input.tokens");
    }
    return new FixtureInputs(batch, tokens, dropped, masked, echo, labels);
  }

  private static boolean[] flags(Safetensors file, String name, int n) {
    float[] v = file.floats(name);
    if (v.length != n) {
      throw new WeightsException(
          file.file() + ": " + name + " has " + v.length + " values, expected " + n);
    }
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = v[i] > 0.5f;
    }
    return out;
  }

  int seqLen() {
    return tokens.length / batch;
  }

  /** Dropped positions per row; the same in every row or an error. */
  int droppedPerRow(String source) {
    int seqLen = seqLen();
    int first = -1;
    for (int b = 0; b < batch; b++) {
      int n = 0;
      for (int i = 0; i < seqLen; i++) {
        int k = b * seqLen + i;
        if (dropped[k]) {
          n++;
          if (!masked[k]) {
            throw new WeightsException(
                source + ": row " + b + " position " + i + " is dropped but not masked");
          }
        }
      }
      if (first >= 0 && n != first) {
        throw new WeightsException(
            source
                + ": row "
                + b
                + " drops "
                + n
                + " positions, row 0 drops "
                + first
                + "; every row must drop the same number");
      }
      first = n;
    }
    return first;
  }

  void checkIds(ModelConfig m, String source) {
    if (seqLen() != m.seqLen()) {
      throw new WeightsException(
          source
              + ": input.tokens has rows of "
              + seqLen()
              + " ids, the config's grid needs "
              + m.seqLen());
    }
    for (int k = 0; k < tokens.length; k++) {
      if (tokens[k] < 0 || tokens[k] >= m.codebookSize) {
        throw new WeightsException(
            source
                + ": input.tokens["
                + k / seqLen()
                + "]["
                + k % seqLen()
                + "] = "
                + tokens[k]
                + " is outside [0, "
                + m.codebookSize
                + ")");
      }
      boolean echoOk = (echo[k] >= 0 && echo[k] < m.codebookSize) || echo[k] == m.maskId();
      if (!echoOk) {
        throw new WeightsException(
            source
                + ": input.echo_tokens["
                + k / seqLen()
                + "]["
                + k % seqLen()
                + "] = "
                + echo[k]
                + " is neither in [0, "
                + m.codebookSize
                + ") nor MASK ("
                + m.maskId()
                + ")");
      }
    }
  }
}

package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.sorcen.graph.model.IterativeDecoder;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * An exported Sorcen generator: one token grid per seed, the same for a seed wherever the model
 * runs (its randomness is keyed by the seed alone). Decode the grids with the tokenizer.
 */
public final class SorcenGenerator implements AutoCloseable {
  /** Decoding steps lie in [1, MAX_STEPS]: the exported loop is unrolled this far. */
  public static final int MAX_STEPS = GeneratorGraph.MAX_STEPS;

  private final SavedModelBundle bundle;
  private final SessionFunction serving;
  private final int seqLen;

  private SorcenGenerator(SavedModelBundle bundle, int seqLen) {
    this.bundle = bundle;
    this.serving = bundle.function(Signature.DEFAULT_KEY);
    this.seqLen = seqLen;
  }

  public static SorcenGenerator load(Path dir) {
    JsonNode c = ModelExport.card(dir, "Sorcen generator");
    return new SorcenGenerator(
        SavedModelBundle.load(dir.toString(), ModelExport.TAG), c.get("seq_len").asInt());
  }

  /** Token grids [seeds][L]; temperature 4.5 and 12 steps are the paper's. */
  public long[][] generate(long[] seeds, float temperature, int steps) {
    if (steps < 1 || steps > MAX_STEPS) {
      throw new IllegalArgumentException("steps must be in [1, " + MAX_STEPS + "], got " + steps);
    }
    try (TInt64 s = TInt64.tensorOf(Shape.of(seeds.length), DataBuffers.of(seeds, true, false));
        TFloat32 t = TFloat32.scalarOf(temperature);
        TInt32 n = TInt32.scalarOf(steps);
        Result r = serving.call(Map.of("seeds", s, "temperature", t, "num_iter", n))) {
      long[] flat = new long[seeds.length * seqLen];
      ((TInt64) r.get("tokens").orElseThrow()).copyTo(DataBuffers.of(flat, false, false));
      long[][] out = new long[seeds.length][];
      for (int i = 0; i < seeds.length; i++) {
        out[i] = Arrays.copyOfRange(flat, i * seqLen, (i + 1) * seqLen);
      }
      return out;
    }
  }

  public long[][] generate(long[] seeds) {
    return generate(seeds, IterativeDecoder.DEFAULT_TEMPERATURE, IterativeDecoder.DEFAULT_STEPS);
  }

  @Override
  public void close() {
    bundle.close();
  }
}

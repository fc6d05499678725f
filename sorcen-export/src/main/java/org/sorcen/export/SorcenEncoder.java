package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.sorcen.graph.config.SorcenConfig;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * An exported Sorcen encoder for Java services: token grids in, embeddings out. Shapes and ids are
 * checked in Java before TensorFlow is called. Safe for concurrent callers (a TensorFlow session
 * runs calls in parallel); every tensor is closed before the call returns, so native memory does
 * not grow across calls. Close it when done.
 */
public final class SorcenEncoder implements AutoCloseable {
  private final AutoCloseable owner;
  private final SessionFunction serving;
  private final int seqLen;
  private final long codebookSize;
  private final int embedDim;

  private SorcenEncoder(
      AutoCloseable owner, SessionFunction serving, int seqLen, long codebookSize, int embedDim) {
    this.owner = owner;
    this.serving = serving;
    this.seqLen = seqLen;
    this.codebookSize = codebookSize;
    this.embedDim = embedDim;
  }

  /**
   * The encoder of a training checkpoint (bundle prefix {@code .../step-N/ckpt}) without exporting
   * it: the same inference graph as the SavedModel's, restored by variable name.
   */
  public static SorcenEncoder fromCheckpoint(SorcenConfig config, Path checkpointPrefix) {
    Graph g = new Graph();
    Session s = null;
    try {
      EncoderGraph enc = EncoderGraph.build(Ops.create(g), config);
      s = new Session(g);
      s.restore(checkpointPrefix.toString());
      Signature serving =
          Signature.builder()
              .key(Signature.DEFAULT_KEY)
              .input("tokens", enc.tokens())
              .output("embedding", enc.embedding())
              .build();
      Session session = s;
      return new SorcenEncoder(
          () -> {
            session.close();
            g.close();
          },
          SessionFunction.create(serving, s),
          config.model.seqLen(),
          config.model.codebookSize,
          config.model.embedDim);
    } catch (RuntimeException e) {
      if (s != null) {
        s.close();
      }
      g.close();
      throw e;
    }
  }

  /** Loads {@code dir} (a {@code sorcen-encoder/<version>} directory). */
  public static SorcenEncoder load(Path dir) {
    JsonNode c = ModelExport.card(dir, "Sorcen encoder");
    SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), ModelExport.TAG);
    return new SorcenEncoder(
        bundle,
        bundle.function(Signature.DEFAULT_KEY),
        c.get("seq_len").asInt(),
        c.get("codebook_size").asLong(),
        c.get("embed_dim").asInt());
  }

  public int seqLen() {
    return seqLen;
  }

  public int embedDim() {
    return embedDim;
  }

  /** Embeddings [rows][D] of token grids [rows][L] (ids in [0, C), row-major G×G). */
  public float[][] embed(long[][] tokens) {
    long[] flat = new long[Math.multiplyExact(tokens.length, seqLen)];
    for (int r = 0; r < tokens.length; r++) {
      if (tokens[r].length != seqLen) {
        throw new IllegalArgumentException(
            "row " + r + " has " + tokens[r].length + " ids; the model needs " + seqLen);
      }
      System.arraycopy(tokens[r], 0, flat, r * seqLen, seqLen);
    }
    checkIds(flat);
    try (TInt64 t =
        TInt64.tensorOf(Shape.of(tokens.length, seqLen), DataBuffers.of(flat, true, false))) {
      float[] out = run(t, tokens.length);
      float[][] rows = new float[tokens.length][];
      for (int r = 0; r < rows.length; r++) {
        rows[r] = Arrays.copyOfRange(out, r * embedDim, (r + 1) * embedDim);
      }
      return rows;
    }
  }

  /** Embeddings [B, D] of a [B, L] tensor; the caller keeps ownership of {@code tokens}. */
  public TFloat32 embed(TInt64 tokens) {
    Shape s = tokens.shape();
    if (s.numDimensions() != 2 || s.get(1) != seqLen) {
      throw new IllegalArgumentException("tokens must be [B, " + seqLen + "], got " + s);
    }
    long[] flat = new long[Math.toIntExact(tokens.size())];
    tokens.copyTo(DataBuffers.of(flat, false, false));
    checkIds(flat);
    float[] out = run(tokens, (int) s.get(0));
    return TFloat32.tensorOf(Shape.of(s.get(0), embedDim), DataBuffers.of(out, true, false));
  }

  private float[] run(TInt64 tokens, int rows) {
    try (Result r = serving.call(Map.of("tokens", tokens))) {
      Tensor e = r.get("embedding").orElseThrow();
      float[] out = new float[rows * embedDim];
      ((TFloat32) e).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private void checkIds(long[] flat) {
    for (int k = 0; k < flat.length; k++) {
      if (flat[k] < 0 || flat[k] >= codebookSize) {
        throw new IllegalArgumentException(
            "token id "
                + flat[k]
                + " at row "
                + k / seqLen
                + ", position "
                + k % seqLen
                + " is outside [0, "
                + codebookSize
                + ")");
      }
    }
  }

  @Override
  public void close() {
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the encoder's session failed", e);
    }
  }
}

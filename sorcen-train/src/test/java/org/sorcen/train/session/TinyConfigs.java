package org.sorcen.train.session;

import java.util.Map;
import org.sorcen.train.pretrain.JobConfig;

/** Tiny shapes for tests: a 4×4 grid, width 16. */
final class TinyConfigs {
  private TinyConfigs() {}

  static final String JSON =
      """
      {
        "name": "test-tiny",
        "model": {"grid": 4, "codebook_size": 32, "embed_dim": 16, "depth": 2, "num_heads": 2,
                  "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2,
                  "projector_hidden_dim": 32, "projector_dim": 16, "predictor_hidden_dim": 32,
                  "classifier_hidden_dim": 16, "num_classes": 4},
        "echo": {"warmup_epochs": 1},
        "optimizer": {"warmup_epochs": 1},
        "train": {"batch_size": 8, "epochs": 20, "seed": 3}
      }
      """;

  static JobConfig tiny(Map<String, String> overrides) {
    return JobConfig.parse(JSON, "test-tiny", overrides);
  }

  /** A fixed batch: row r is a shifted ramp of ids, label r mod 4. */
  static long[] tokens(int batch, int seqLen, int codebook, int offset) {
    long[] ids = new long[batch * seqLen];
    for (int r = 0; r < batch; r++) {
      for (int i = 0; i < seqLen; i++) {
        ids[r * seqLen + i] = ((r + offset) * 7L + i * (1 + (r + offset) % 3)) % codebook;
      }
    }
    return ids;
  }

  static long[] labels(int batch, int offset) {
    long[] l = new long[batch];
    for (int r = 0; r < batch; r++) {
      l[r] = (r + offset) % 4;
    }
    return l;
  }
}

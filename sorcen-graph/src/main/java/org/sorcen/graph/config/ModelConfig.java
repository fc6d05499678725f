package org.sorcen.graph.config;

import java.util.List;

/**
 * Shapes of the token grid, the encoders, the decoder and the heads (ALGORITHM.md §2–§4). The
 * defaults are ViT-B; a config can name a row of {@link ModelVariants} ({@code "variant":
 * "vit-large"}) instead of writing the shape fields out.
 */
public final class ModelConfig {
  /** G: the token grid is G×G, so L = G·G. */
  public int grid = 16;

  /** C: ids of the image tokenizer are in [0, C). */
  public int codebookSize = 1024;

  public int embedDim = 768;
  public int depth = 12;
  public int numHeads = 12;
  public int decoderEmbedDim = 768;
  public int decoderDepth = 8;
  public int decoderNumHeads = 16;
  public double mlpRatio = 4.0;

  /** Dropout on embeddings, attention probabilities, attention output and MLP. */
  public double dropout = 0.1;

  public int projectorHiddenDim = 4096;
  public int projectorDim = 512;
  public int predictorHiddenDim = 2048;
  public int classifierHiddenDim = 512;

  /** Classes of the online classifier; 0 turns the classifier off. */
  public int numClasses = 0;

  /** "random" (official: the teacher has its own initialisation) or "copy" of the student. */
  public String teacherInit = "random";

  /**
   * Dtype of the weight matrix products and convolutions: "float32", or "bfloat16" (master weights,
   * norms, softmax, attention products and losses stay float32).
   */
  public String computeDtype = "float32";

  /**
   * How the training step runs its element-wise chains (GELU, LayerNorm) and draws its dropout
   * masks: "xla", each chain forward and backward one XLA kernel (2–5% faster per step here) and
   * each mask hashed in one XLA kernel (another 4% at ViT-B, 17% at sorcen-tiny); "tensorflow",
   * TensorFlow's op-by-op kernels, C++ gradients and Philox dropout draws; "auto" (the default),
   * "xla" under bfloat16 and "tensorflow" in float32. The chains agree to float32 rounding and the
   * masks keep the same rate, but the draws differ and last-bit differences move a trajectory as
   * another seed would, so float32 keeps the graph whose runs are on record.
   * Exports always use "tensorflow".
   */
  public String elementwise = "auto";

  /** Whether the chains are XLA kernels: {@link #elementwise} with "auto" resolved. */
  public boolean xlaChains() {
    return elementwise.equals("auto") ? computeDtype.equals("bfloat16") : elementwise.equals("xla");
  }

  public int seqLen() {
    return grid * grid;
  }

  /** V = C + 1000 + 1 ids in the embedding table, kept identical to the official checkpoints. */
  public int vocabSize() {
    return codebookSize + 1000 + 1;
  }

  /** The "fake class label" the official code puts at position 0. */
  public int clsId() {
    return codebookSize + 1100 - 1024;
  }

  public int maskId() {
    return vocabSize() - 1;
  }

  /** timm's Mlp width {@code int(dim * mlp_ratio)}, floored: official checkpoints have that many rows. */
  public int mlpHidden(int width) {
    return (int) (width * mlpRatio);
  }

  void validate(List<String> errors) {
    Checks.atLeast(errors, "model.grid", grid, 2);
    Checks.atLeast(errors, "model.codebook_size", codebookSize, 2);
    Checks.atLeast(errors, "model.depth", depth, 1);
    Checks.atLeast(errors, "model.decoder_depth", decoderDepth, 1);
    Checks.divides(errors, "model.num_heads", numHeads, "model.embed_dim", embedDim);
    Checks.divides(
        errors,
        "model.decoder_num_heads",
        decoderNumHeads,
        "model.decoder_embed_dim",
        decoderEmbedDim);
    Checks.atLeast(errors, "model.projector_hidden_dim", projectorHiddenDim, 1);
    Checks.atLeast(errors, "model.projector_dim", projectorDim, 1);
    Checks.atLeast(errors, "model.predictor_hidden_dim", predictorHiddenDim, 1);
    Checks.atLeast(errors, "model.classifier_hidden_dim", classifierHiddenDim, 1);
    Checks.atLeast(errors, "model.num_classes", numClasses, 0);
    if (numClasses == 1) {
      errors.add("model.num_classes is 1: use 0 to turn the online classifier off, or at least 2");
    }
    if (mlpRatio <= 0) {
      errors.add("model.mlp_ratio must be > 0, got " + mlpRatio);
    }
    if (dropout < 0 || dropout >= 1) {
      errors.add("model.dropout must be in [0, 1), got " + dropout);
    }
    Checks.oneOf(errors, "model.teacher_init", teacherInit, "random", "copy");
    Checks.oneOf(errors, "model.compute_dtype", computeDtype, "float32", "bfloat16");
    Checks.oneOf(errors, "model.elementwise", elementwise, "auto", "xla", "tensorflow");
  }
}

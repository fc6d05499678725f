package org.sorcen.graph.tokenizer;

import java.util.List;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The codebook as exponential moving averages (VQ-VAE-2 / van den Oord et al. appendix), which
 * converges faster and more stably than a codebook loss:
 * <pre>
 *   n_c ← γ·n_c + (1−γ)·count_c          s_c ← γ·s_c + (1−γ)·Σ_{i→c} z_i
 *   ñ_c = (n_c + ε) / (Σn + C·ε) · Σn    e_c = s_c / ñ_c          (Laplace smoothing: ñ_c > 0)
 * </pre>
 * A code whose n_c was below the dead-code threshold before this step is instead restarted at a
 * randomly drawn encoder output of this batch (n_c = threshold, s_c = e_c·threshold = z), so that
 * no code stays unused. Sizes start at 0: at the first step every code is dead and the codebook is
 * initialised from data.
 */
public final class EmaCodebook {
  public static final String EMBED = "quantizer.embed";
  public static final String CLUSTER_SIZE = "quantizer.cluster_size";
  public static final String EMBED_SUM = "quantizer.embed_sum";

  private EmaCodebook() {}

  /** The codebook only: all that inference needs. */
  static void declareEmbedding(Variables vars, Initializers init, TokenizerConfig cfg) {
    Shape e = Shape.of(cfg.codebookSize, cfg.codeDim);
    vars.create(EMBED, e, VariableRole.STATISTIC, init.normal(EMBED, e, 1.0));
  }

  /** The EMA statistics, for training. */
  static void declareStatistics(Variables vars, TokenizerConfig cfg) {
    Shape e = Shape.of(cfg.codebookSize, cfg.codeDim);
    vars.create(
        CLUSTER_SIZE,
        Shape.of(cfg.codebookSize),
        VariableRole.STATISTIC,
        Initializers.zeros(Shape.of(cfg.codebookSize)));
    vars.create(EMBED_SUM, e, VariableRole.STATISTIC, Initializers.zeros(e));
  }

  /** The ops of one update and the number of codes it restarted. */
  public record Update(List<Op> ops, Operand<TFloat32> restarted) {}

  /**
   * @param z this step's encoder outputs [N, D], without gradient
   * @param ids their nearest codes [N]
   * @param seed a stateless [2] seed for drawing the restart vectors
   */
  public static Update update(
      Ops tf,
      Variables vars,
      TokenizerConfig cfg,
      Operand<TFloat32> z,
      Operand<TInt64> ids,
      Operand<TInt64> seed) {
    ModelVariable sizeVar = vars.get(CLUSTER_SIZE);
    ModelVariable sumVar = vars.get(EMBED_SUM);
    Operand<TInt64> c = tf.constant((long) cfg.codebookSize);
    Operand<TFloat32> decay = tf.constant((float) cfg.emaDecay);
    Operand<TFloat32> rate = tf.constant((float) (1 - cfg.emaDecay));

    Operand<TFloat32> counts =
        tf.math.unsortedSegmentSum(tf.onesLike(tf.dtypes.cast(ids, TFloat32.class)), ids, c);
    Operand<TFloat32> sums = tf.math.unsortedSegmentSum(z, ids, c);
    Operand<TFloat32> oldSize = sizeVar.read(tf);
    Operand<TFloat32> size = tf.math.add(tf.math.mul(decay, oldSize), tf.math.mul(rate, counts));
    Operand<TFloat32> sum =
        tf.math.add(tf.math.mul(decay, sumVar.<TFloat32>read(tf)), tf.math.mul(rate, sums));

    Operand<TFloat32> total = tf.reduceSum(size, tf.constant(0));
    Operand<TFloat32> eps = tf.constant((float) cfg.laplaceEps);
    Operand<TFloat32> smoothed =
        tf.math.mul(
            tf.math.div(
                tf.math.add(size, eps),
                tf.math.add(total, tf.constant((float) (cfg.codebookSize * cfg.laplaceEps)))),
            total);
    Operand<TFloat32> embed = tf.math.div(sum, tf.expandDims(smoothed, tf.constant(1)));

    Operand<TFloat32> restarted = tf.constant(0f);
    if (cfg.restartDeadCodes && cfg.deadCodeThreshold > 0) {
      Operand<TFloat32> threshold = tf.constant((float) cfg.deadCodeThreshold);
      // Judged before this step's counts: at step 0 every size is 0, so the whole codebook is drawn
      // from data.
      Operand<TBool> dead = tf.math.less(oldSize, threshold);
      Operand<TInt64> rows = tf.gather(tf.shape(z, TInt64.class), tf.constant(0), tf.constant(0));
      Operand<TInt64> drawn =
          tf.random.statelessRandomUniformInt(
              tf.constant(new long[] {cfg.codebookSize}), seed, tf.constant(0L), rows);
      Operand<TFloat32> fresh = tf.gather(z, drawn, tf.constant(0));
      Operand<TBool> deadRows = tf.expandDims(dead, tf.constant(1));
      embed = tf.select(deadRows, fresh, embed);
      sum = tf.select(deadRows, tf.math.mul(fresh, threshold), sum);
      size = tf.select(dead, tf.fill(tf.constant(new long[] {cfg.codebookSize}), threshold), size);
      restarted = tf.reduceSum(tf.dtypes.cast(dead, TFloat32.class), tf.constant(0));
    }
    List<Op> ops =
        List.of(
            tf.assignVariableOp(sizeVar.handle(), size),
            tf.assignVariableOp(sumVar.handle(), sum),
            tf.assignVariableOp(vars.get(EMBED).handle(), embed));
    return new Update(ops, restarted);
  }
}

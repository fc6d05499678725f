package org.sorcen.graph.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What every layer needs besides its input: the Ops, where its weights come from, the compute
 * dtype, and whether it trains (dropout on, BatchNorm on batch statistics, running-stat updates
 * collected). A training context with dropout rate 0 is the deterministic entry used by tests.
 */
public final class LayerContext {
  private final Ops tf;
  private final WeightSource weights;
  private final Precision precision;
  private final boolean training;
  private final double dropout;
  private final RandomStream random;
  private final List<Op> statisticUpdates;
  private final boolean xlaChains;

  private LayerContext(
      Ops tf,
      WeightSource weights,
      Precision precision,
      boolean training,
      double dropout,
      RandomStream random,
      List<Op> statisticUpdates,
      boolean xlaChains) {
    this.tf = tf;
    this.weights = weights;
    this.precision = precision;
    this.training = training;
    this.dropout = dropout;
    this.random = random;
    this.statisticUpdates = statisticUpdates;
    this.xlaChains = xlaChains;
  }

  /** Training mode; {@code random} may be null only when {@code dropout} is 0. */
  public static LayerContext training(
      Ops tf, WeightSource weights, Precision precision, double dropout, RandomStream random) {
    if (dropout > 0 && random == null) {
      throw new IllegalArgumentException("dropout needs a random stream");
    }
    return new LayerContext(
        tf, weights, precision, true, dropout, random, new ArrayList<>(), false);
  }

  /** Inference: no dropout, BatchNorm on running statistics. */
  public static LayerContext inference(Ops tf, WeightSource weights, Precision precision) {
    return new LayerContext(tf, weights, precision, false, 0, null, new ArrayList<>(), false);
  }

  /** The same mode and update list with other weights (the teacher's reads after the EMA). */
  public LayerContext withWeights(WeightSource other) {
    return new LayerContext(
        tf, other, precision, training, dropout, random, statisticUpdates, xlaChains);
  }

  /**
   * The same context with its element-wise chains ({@link #gelu}) compiled by XLA (true) or run op
   * by op (false): {@code model.elementwise}, resolved by {@code ModelConfig.xlaChains()}.
   */
  public LayerContext withXlaChains(boolean xla) {
    return new LayerContext(
        tf, weights, precision, training, dropout, random, statisticUpdates, xla);
  }

  /** Whether element-wise chains are compiled by XLA ({@code model.elementwise=xla}). */
  boolean xlaChains() {
    return xlaChains;
  }

  /** Exact GELU, as one XLA kernel each way when this context fuses its chains. */
  public Operand<TFloat32> gelu(Operand<TFloat32> x) {
    return xlaChains ? FusedGelu.apply(tf, x) : Activations.gelu(tf, x);
  }

  public Ops tf() {
    return tf;
  }

  public Operand<TFloat32> weight(String name) {
    return weights.weight(name);
  }

  public Precision precision() {
    return precision;
  }

  public boolean training() {
    return training;
  }

  /** BatchNorm running-statistic updates made by this forward pass; run them with the train step. */
  public List<Op> statisticUpdates() {
    return statisticUpdates;
  }

  void addStatisticUpdate(Op op) {
    statisticUpdates.add(op);
  }

  /**
   * Inverted dropout with a fresh stateless seed per use, as a multiplicative mask: {@code x·m} with
   * m = 1/(1−p) where kept and 0 where dropped, PyTorch's scaling. Its gradient is one
   * multiplication instead of a select against a zeros tensor. With XLA chains on, the mask is
   * hashed in one XLA kernel ({@link RandomStream#hashedDropMask}); otherwise it comes from
   * TensorFlow's Philox kernel ({@link RandomStream#keepMask}), the draws of the float32 runs on
   * record.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x) {
    if (!training || dropout <= 0) {
      return x;
    }
    if (xlaChains) {
      return tf.math.mul(x, random.hashedDropMask(tf, x, dropout));
    }
    Operand<TFloat32> keep = random.keepMask(tf, x, dropout);
    Operand<TFloat32> mask = tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - dropout))));
    return tf.math.mul(x, mask);
  }
}

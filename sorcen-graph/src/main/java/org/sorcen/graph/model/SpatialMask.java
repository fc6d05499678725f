package org.sorcen.graph.model;

import java.util.List;
import org.sorcen.graph.config.MaskingConfig;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.RandomStream;
import org.sorcen.graph.nn.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Jittered spatial masking of the echo (ALGORITHM.md §4.8): one crop side s per batch, uniform over
 * the integers [crop_min, crop_max]; per example a top-left corner uniform over the places where
 * the s×s square fits; every position outside it becomes MASK.
 */
public final class SpatialMask {
  private SpatialMask() {}

  /** The crop side and [B, L] "inside the square" flags. */
  public record Crop(Operand<TInt32> side, Operand<TBool> inside) {}

  public static Crop sample(
      Ops tf, ModelConfig model, MaskingConfig masking, Operand<TInt64> echo, RandomStream random) {
    int g = model.grid;
    int lo = masking.cropMin(g);
    int hi = masking.cropMax(g);
    Operand<TInt32> side =
        tf.random.statelessRandomUniformInt(
            tf.constant(new int[0]), random.next(tf), tf.constant(lo), tf.constant(hi + 1));
    Operand<TInt32> batch = Shapes.batchSize(tf, echo);
    // Corners uniform over [0, G − s] by flooring u·(G − s + 1).
    Operand<TFloat32> u = random.uniformRows(tf, tf.stack(List.of(batch, tf.constant(2))));
    Operand<TFloat32> places =
        tf.dtypes.cast(tf.math.sub(tf.constant(g + 1), side), TFloat32.class);
    Operand<TInt32> corner = tf.dtypes.cast(tf.math.floor(tf.math.mul(u, places)), TInt32.class);
    corner = tf.math.minimum(corner, tf.math.sub(tf.constant(g), side));
    Operand<TInt32> top =
        tf.slice(corner, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1}));
    Operand<TInt32> left =
        tf.slice(corner, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, 1}));
    int[] rowOf = new int[g * g];
    int[] colOf = new int[g * g];
    for (int i = 0; i < g * g; i++) {
      rowOf[i] = i / g;
      colOf[i] = i % g;
    }
    Operand<TInt32> row = tf.constant(rowOf);
    Operand<TInt32> col = tf.constant(colOf);
    Operand<TBool> inRows =
        tf.math.logicalAnd(
            tf.math.greaterEqual(row, top), tf.math.less(row, tf.math.add(top, side)));
    Operand<TBool> inCols =
        tf.math.logicalAnd(
            tf.math.greaterEqual(col, left), tf.math.less(col, tf.math.add(left, side)));
    return new Crop(side, tf.math.logicalAnd(inRows, inCols));
  }

  /** The echo with MASK outside the crop. */
  public static Operand<TInt64> apply(Ops tf, ModelConfig model, Operand<TInt64> echo, Crop crop) {
    return tf.select(crop.inside(), echo, tf.constant((long) model.maskId()));
  }
}

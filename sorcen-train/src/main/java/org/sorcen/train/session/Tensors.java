package org.sorcen.train.session;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Copies between Java arrays and tensors. Callers close the tensors they get. */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 floats(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static TInt64 longs(long[] values, long... shape) {
    return TInt64.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static TBool bools(boolean[] values, long... shape) {
    return TBool.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static float[] toFloats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[Math.toIntExact(f.size())];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static long[] toLongs(Tensor t) {
    TInt64 l = (TInt64) t;
    long[] out = new long[Math.toIntExact(l.size())];
    l.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static boolean[] toBools(Tensor t) {
    TBool b = (TBool) t;
    boolean[] out = new boolean[Math.toIntExact(b.size())];
    b.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static float scalar(Tensor t) {
    return ((TFloat32) t).getFloat();
  }
}

package org.sorcen.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Runs a model's default signature once on a zero input (one row) and names each float output
 * that is not finite. Reading the graph cannot see NaN or Inf weights; a model holding them serves
 * NaN rows, so verification runs it. Only a signature with float outputs and int64/uint8 inputs of
 * known size is run (the encoders); the generators' and the tokenizer's integer outputs hide NaN
 * and are not checked here (their weights come from the same checkpoint as the encoder's).
 */
public final class FiniteOutputs {
  private FiniteOutputs() {}

  public static List<String> problems(Path dir) {
    List<String> problems = new ArrayList<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), ModelExport.TAG)) {
      SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(Signature.DEFAULT_KEY);
      if (sig == null
          || sig.getOutputsMap().values().stream()
              .noneMatch(t -> t.getDtype() == DataType.DT_FLOAT)) {
        return problems;
      }
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      try {
        for (var in : sig.getInputsMap().entrySet()) {
          Tensor zero = zeros(in.getValue());
          if (zero == null) {
            return problems; // an input this check cannot make up
          }
          inputs.put(in.getKey(), zero);
        }
        try (Result r = bundle.function(Signature.DEFAULT_KEY).call(inputs)) {
          for (var out : sig.getOutputsMap().entrySet()) {
            if (out.getValue().getDtype() == DataType.DT_FLOAT) {
              r.get(out.getKey()).ifPresent(t -> check(problems, out.getKey(), (TFloat32) t));
            }
          }
        }
      } finally {
        inputs.values().forEach(Tensor::close);
      }
    } catch (RuntimeException e) {
      problems.add(
          dir + ": running " + Signature.DEFAULT_KEY + " on a zero input failed: " + firstLine(e));
    }
    return problems;
  }

  private static void check(List<String> problems, String name, TFloat32 t) {
    long n = t.size();
    long bad = 0;
    float first = 0;
    for (long i = 0; i < n; i++) {
      float v = t.getFloat(t.shape().numDimensions() == 0 ? new long[0] : index(t.shape(), i));
      if (!Float.isFinite(v)) {
        first = bad++ == 0 ? v : first;
      }
    }
    if (bad > 0) {
      problems.add(
          "output '"
              + name
              + "' is not finite ("
              + bad
              + " of "
              + n
              + " values, e.g. "
              + first
              + ") on a "
              + "zero input: the model's weights hold NaN or Inf");
    }
  }

  private static long[] index(Shape s, long flat) {
    long[] idx = new long[s.numDimensions()];
    for (int d = idx.length - 1; d >= 0; d--) {
      idx[d] = flat % s.get(d);
      flat /= s.get(d);
    }
    return idx;
  }

  /** A zero tensor of one row for an int64 or uint8 input of known size, else null. */
  private static Tensor zeros(TensorInfo info) {
    TensorShapeProto p = info.getTensorShape();
    if (p.getUnknownRank() || p.getDimCount() == 0) {
      return null;
    }
    long[] dims = new long[p.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      long d = p.getDim(i).getSize();
      dims[i] = i == 0 && d < 0 ? 1 : d;
      if (dims[i] < 0) {
        return null;
      }
    }
    int n = Math.toIntExact(Shape.of(dims).size());
    // Explicit zeros: tensorOf(shape) alone leaves the native memory as it was.
    return switch (info.getDtype()) {
      case DT_INT64 -> TInt64.tensorOf(Shape.of(dims), DataBuffers.of(new long[n], true, false));
      case DT_UINT8 -> TUint8.tensorOf(Shape.of(dims), DataBuffers.of(new byte[n], true, false));
      default -> null;
    };
  }

  private static String firstLine(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}

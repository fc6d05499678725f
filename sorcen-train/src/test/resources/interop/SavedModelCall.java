import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Calls one signature of a SavedModel with TensorFlow Java alone (no project classes): the
 * interop check of the export tests runs it in a fresh JVM. Usage:
 * SavedModelCall DIR SIGNATURE OUT_DIR name:dtype:d0xd1:file ... ; every output is written to
 * OUT_DIR/name.bin (little-endian) and OUT_DIR/name.shape. A string input (a vector) is a file of records:
 * uint32 little-endian length, then the bytes.
 */
public final class SavedModelCall {
  public static void main(String[] args) throws Exception {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] p = args[i].split(":");
      long[] shape = p[2].isEmpty() ? new long[0]
          : java.util.Arrays.stream(p[2].split("x")).mapToLong(Long::parseLong).toArray();
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(p[3]))).order(ByteOrder.LITTLE_ENDIAN);
      int n = (int) Shape.of(shape).size();
      inputs.put(p[0], switch (p[1]) {
        case "int64" -> { long[] v = new long[n]; b.asLongBuffer().get(v); yield TInt64.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false)); }
        case "int32" -> { int[] v = new int[n]; b.asIntBuffer().get(v); yield TInt32.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false)); }
        case "float32" -> { float[] v = new float[n]; b.asFloatBuffer().get(v); yield TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false)); }
        case "uint8" -> { byte[] v = new byte[n]; b.get(v); yield TUint8.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false)); }
        case "string" -> { byte[][] v = new byte[n][]; for (int k = 0; k < n; k++) { v[k] = new byte[b.getInt()]; b.get(v[k]); } yield org.tensorflow.types.TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.vectorOfObjects(v)); }
        case "bool" -> { boolean[] v = new boolean[n]; for (int k = 0; k < n; k++) { v[k] = b.get(k) != 0; } yield TBool.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false)); }
        default -> throw new IllegalArgumentException(p[1]);
      });
    }
    try (SavedModelBundle m = SavedModelBundle.load(args[0], "serve");
        Result r = m.function(args[1]).call(inputs)) {
      for (var e : r) {
        Tensor t = e.getValue();
        Path out = Path.of(args[2]);
        ByteBuffer b = ByteBuffer.allocate((int) t.numBytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (t instanceof TFloat32 f) {
          float[] v = new float[(int) f.size()];
          f.copyTo(DataBuffers.of(v, false, false));
          b.asFloatBuffer().put(v);
        } else if (t instanceof TUint8 u) {
          byte[] v = new byte[(int) u.size()];
          u.copyTo(DataBuffers.of(v, false, false));
          b.put(v);
        } else if (t instanceof TInt64 l) {
          long[] v = new long[(int) l.size()];
          l.copyTo(DataBuffers.of(v, false, false));
          b.asLongBuffer().put(v);
        }
        Files.write(out.resolve(e.getKey() + ".bin"), b.array());
        Files.writeString(out.resolve(e.getKey() + ".shape"), t.shape().toString());
      }
    } finally {
      inputs.values().forEach(Tensor::close);
    }
  }
}

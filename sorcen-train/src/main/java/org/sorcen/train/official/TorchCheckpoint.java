package org.sorcen.train.official;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDictConstructor;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.WeightsException;

/**
 * A reader of PyTorch's {@code torch.save} zip format (torch ≥ 1.6): {@code <name>/data.pkl}, a
 * pickle whose tensors refer by persistent id to raw little-endian storages
 * {@code <name>/data/<key>}. The pickle is read by {@code net.razorvine:pickle}; this class only
 * registers what PyTorch puts in it ({@code torch._utils._rebuild_tensor_v2},
 * {@code _rebuild_parameter}, the storage types, {@code collections.OrderedDict},
 * {@code argparse.Namespace}). Holds either a training checkpoint ({@code {'model', 'optimizer',
 * 'epoch', 'scaler', 'args'}}, as the official {@code misc.save_model} writes it: only
 * {@code model}, {@code epoch} and {@code args} are kept) or a bare state_dict (any dict of tensors,
 * e.g. the official precomputed token files), or a taming/Lightning checkpoint whose weights are under
 * {@code state_dict} (MAGE's VQGAN). Every tensor's
 * extent is checked against its storage when the file is opened; dtype and layout when it is read.
 */
public final class TorchCheckpoint implements NamedTensors {
  /** A storage dtype: its PyTorch storage class, element size, and whether it is read. */
  enum Dtype {
    FLOAT32("FloatStorage", 4), FLOAT16("HalfStorage", 2), BFLOAT16("BFloat16Storage", 2),
    FLOAT64("DoubleStorage", 8), INT64("LongStorage", 8), INT32("IntStorage", 4), INT16("ShortStorage", 2),
    INT8("CharStorage", 1), UINT8("ByteStorage", 1), BOOL("BoolStorage", 1);

    final String storageClass;
    final int bytes;

    Dtype(String storageClass, int bytes) {
      this.storageClass = storageClass;
      this.bytes = bytes;
    }

    boolean isFloat() {
      return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
    }

    String describe() {
      return name().toLowerCase(java.util.Locale.ROOT) + " (torch." + storageClass + ")";
    }
  }

  /** The storage type global of a persistent id: constructing it is never needed. */
  record StorageType(Dtype dtype) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("torch." + dtype.storageClass + " cannot be constructed from a pickle");
    }
  }

  /** One storage: {@code data/<key>} of the archive, {@code numel} elements. */
  record Storage(Dtype dtype, String key, long numel) {}

  /** A tensor: a view of a storage. */
  record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
    long numel() {
      long n = 1;
      for (long d : size) {
        n *= d;
      }
      return n;
    }

    boolean contiguous() {
      long expected = 1;
      for (int i = size.length - 1; i >= 0; i--) {
        if (size[i] != 1 && stride[i] != expected) {
          return false;
        }
        expected *= size[i];
      }
      return true;
    }

    /** One past the last storage element the view touches. */
    long extent() {
      long last = offset;
      for (int i = 0; i < size.length; i++) {
        if (size[i] == 0) {
          return offset;
        }
        last += (size[i] - 1) * stride[i];
      }
      return last + 1;
    }
  }

  /** {@code collections.OrderedDict}: a LinkedHashMap that accepts the attributes PyTorch sets on it. */
  public static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
    /** {@code state_dict()._metadata} (per-module versions): not needed. */
    public void __setstate__(HashMap<?, ?> state) {}
  }

  static {
    Unpickler.registerConstructor("collections", "OrderedDict", args -> new PyOrderedDict());
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchCheckpoint::rebuildTensor);
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", TorchCheckpoint::rebuildTensor);
    Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
    Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", args -> args[0]);
    Unpickler.registerConstructor("argparse", "Namespace", new ClassDictConstructor("argparse", "Namespace"));
    for (Dtype d : Dtype.values()) {
      Unpickler.registerConstructor("torch", d.storageClass, new StorageType(d));
    }
  }

  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof Storage storage)) {
      throw new PickleException("_rebuild_tensor_v2 without a storage");
    }
    return new TensorRef(storage, ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
  }

  private static long[] longs(Object tuple) {
    Object[] t = (Object[]) tuple;
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = ((Number) t[i]).longValue();
    }
    return out;
  }

  /** The unpickler of one archive: persistent ids are storages. */
  private static final class TorchUnpickler extends Unpickler {
    @Override
    protected Object persistentLoad(Object pid) {
      // ('storage', storage_type, key, location, numel)
      if (pid instanceof Object[] t && t.length >= 5 && "storage".equals(t[0])) {
        if (!(t[1] instanceof StorageType type)) {
          throw new PickleException("unsupported storage type " + t[1]);
        }
        return new Storage(type.dtype(), String.valueOf(t[2]), ((Number) t[4]).longValue());
      }
      throw new PickleException("unsupported persistent id " + (pid instanceof Object[] a ? Arrays.toString(a) : pid));
    }
  }

  private final Path file;
  private final String prefix;
  private final Map<String, TensorRef> tensors;
  private final Map<String, long[]> shapes;
  private final boolean trainingCheckpoint;
  private final Number epoch;
  private final Map<?, ?> args;

  private TorchCheckpoint(Path file, String prefix, Map<String, TensorRef> tensors, boolean trainingCheckpoint,
      Number epoch, Map<?, ?> args) {
    this.file = file;
    this.prefix = prefix;
    this.tensors = tensors;
    this.trainingCheckpoint = trainingCheckpoint;
    this.epoch = epoch;
    this.args = args;
    Map<String, long[]> s = new LinkedHashMap<>();
    tensors.forEach((name, t) -> s.put(name, t.size()));
    this.shapes = Collections.unmodifiableMap(s);
  }

  /** Whether {@code file} starts like a zip archive (what {@code torch.save} writes). */
  public static boolean looksLikeZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** Reads the pickle and checks every tensor of the state_dict against its storage; data are read on demand. */
  public static TorchCheckpoint read(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = null;
      for (ZipEntry e : Collections.list(zip.entries())) {
        String n = e.getName();
        if (n.endsWith("data.pkl") && (n.equals("data.pkl") || n.indexOf('/') == n.length() - "/data.pkl".length())) {
          prefix = n.substring(0, n.length() - "data.pkl".length());
          break;
        }
      }
      if (prefix == null) {
        throw new WeightsException(file + ": a zip without data.pkl: not a torch.save checkpoint");
      }
      ZipEntry order = zip.getEntry(prefix + "byteorder");
      if (order != null) {
        String o = new String(zip.getInputStream(order).readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!o.equals("little")) {
          throw new WeightsException(file + ": storages are " + o + "-endian; only little-endian checkpoints are read");
        }
      }
      Object root;
      try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
        root = new TorchUnpickler().load(in);
      } catch (PickleException | ClassCastException | ArrayIndexOutOfBoundsException e) {
        throw new WeightsException(file + ": cannot unpickle data.pkl: " + e.getMessage());
      }
      return fromRoot(file, zip, prefix, root);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new WeightsException("checkpoint not found: " + file);
    } catch (ZipException e) {
      throw new WeightsException(file + ": not a readable zip archive (truncated or damaged?): " + e.getMessage());
    } catch (IOException e) {
      throw new WeightsException(file + ": cannot read: " + e.getMessage());
    }
  }

  private static TorchCheckpoint fromRoot(Path file, ZipFile zip, String prefix, Object root) {
    if (!(root instanceof Map<?, ?> top)) {
      throw new WeightsException(file + ": holds a " + (root == null ? "None" : root.getClass().getSimpleName())
          + ", not a state_dict or a training checkpoint");
    }
    boolean training = top.get("model") instanceof Map;
    // taming / PyTorch Lightning checkpoints (MAGE's VQGAN) keep their weights under 'state_dict'.
    Map<?, ?> model = training ? (Map<?, ?>) top.get("model")
        : top.get("state_dict") instanceof Map<?, ?> sd ? sd : top;
    Map<String, TensorRef> tensors = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<?, ?> e : model.entrySet()) {
      if (!(e.getValue() instanceof TensorRef t)) {
        continue;
      }
      String name = String.valueOf(e.getKey());
      tensors.put(name, t);
      check(zip, prefix, name, t).ifPresent(problems::add);
    }
    if (tensors.isEmpty()) {
      throw new WeightsException(file + ": no tensors found: expected a state_dict or a dict with a 'model' "
          + "state_dict (keys: " + top.keySet() + ")");
    }
    if (!problems.isEmpty()) {
      throw new WeightsException(file + " is damaged:\n  " + String.join("\n  ", problems));
    }
    Number epoch = training && top.get("epoch") instanceof Number n ? n : null;
    Map<?, ?> args = training && top.get("args") instanceof Map<?, ?> a ? a : null;
    return new TorchCheckpoint(file, prefix, Collections.unmodifiableMap(tensors), training, epoch, args);
  }

  private static java.util.Optional<String> check(ZipFile zip, String prefix, String name, TensorRef t) {
    ZipEntry data = zip.getEntry(prefix + "data/" + t.storage().key());
    if (data == null) {
      return java.util.Optional.of("tensor '" + name + "': storage data/" + t.storage().key() + " is missing");
    }
    long need = t.storage().numel() * t.storage().dtype().bytes;
    if (data.getSize() >= 0 && data.getSize() < need) {
      return java.util.Optional.of("tensor '" + name + "': storage data/" + t.storage().key() + " has "
          + data.getSize() + " bytes, its " + t.storage().numel() + " elements need " + need);
    }
    if (t.offset() < 0 || t.extent() > t.storage().numel() || t.size().length != t.stride().length) {
      return java.util.Optional.of("tensor '" + name + "' (size " + Arrays.toString(t.size()) + ", stride "
          + Arrays.toString(t.stride()) + ", offset " + t.offset() + ") does not fit its storage of "
          + t.storage().numel() + " elements");
    }
    return java.util.Optional.empty();
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public Map<String, long[]> shapes() {
    return shapes;
  }

  /** True for a {@code {'model', 'optimizer', 'epoch', 'scaler', 'args'}} checkpoint, false for a bare state_dict. */
  public boolean isTrainingCheckpoint() {
    return trainingCheckpoint;
  }

  /** The checkpoint's {@code epoch}, or null (a bare state_dict, or none saved). */
  public Number epoch() {
    return epoch;
  }

  /** {@code args.model} (the official model name, e.g. {@code sorcen_vit_base_patch16}), or null. */
  public String argsModel() {
    Object m = args != null ? args.get("model") : null;
    return m instanceof String s ? s : null;
  }

  private TensorRef tensor(String name) {
    TensorRef t = tensors.get(name);
    if (t == null) {
      throw new WeightsException(file + ": missing tensor '" + name + "'");
    }
    return t;
  }

  @Override
  public void checkFloats(String name) {
    TensorRef t = tensor(name);
    if (!t.storage().dtype().isFloat()) {
      throw new WeightsException(file + ": tensor '" + name + "' is " + t.storage().dtype().describe()
          + ", a weight needs float32, float16, bfloat16 or float64");
    }
    checkContiguous(name, t);
  }

  private void checkContiguous(String name, TensorRef t) {
    if (!t.contiguous()) {
      throw new WeightsException(file + ": tensor '" + name + "' is not contiguous (size " + Arrays.toString(t.size())
          + ", stride " + Arrays.toString(t.stride()) + "): save it with .contiguous()");
    }
  }

  /** The tensor as float32 (widened from float16 and bfloat16, narrowed from float64). */
  @Override
  public float[] floats(String name) {
    checkFloats(name);
    TensorRef t = tensor(name);
    ByteBuffer b = data(name, t);
    float[] out = new float[b.capacity() / t.storage().dtype().bytes];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (t.storage().dtype()) {
        case FLOAT32 -> b.getFloat(4 * i);
        case FLOAT64 -> (float) b.getDouble(8 * i);
        case BFLOAT16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
        default -> halfToFloat(b.getShort(2 * i));
      };
    }
    return out;
  }

  /** The tensor as int64 (only int64 storages). */
  public long[] longs(String name) {
    TensorRef t = tensor(name);
    if (t.storage().dtype() != Dtype.INT64) {
      throw new WeightsException(file + ": tensor '" + name + "' is " + t.storage().dtype().describe()
          + ", expected int64");
    }
    checkContiguous(name, t);
    ByteBuffer b = data(name, t);
    long[] out = new long[b.capacity() / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getLong(8 * i);
    }
    return out;
  }

  /**
   * The tensor widened to int64 from any integer storage (int64, int32, int16, int8, uint8); a
   * float or bool tensor is refused.
   */
  public long[] integers(String name) {
    TensorRef t = tensor(name);
    Dtype d = t.storage().dtype();
    if (d.isFloat() || d == Dtype.BOOL) {
      throw new WeightsException(file + ": tensor '" + name + "' is " + d.describe()
          + ", expected an integer dtype (int64, int32, int16, int8 or uint8)");
    }
    checkContiguous(name, t);
    ByteBuffer b = data(name, t);
    long[] out = new long[b.capacity() / d.bytes];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (d) {
        case INT64 -> b.getLong(8 * i);
        case INT32 -> b.getInt(4 * i);
        case INT16 -> b.getShort(2 * i);
        case INT8 -> b.get(i);
        default -> b.get(i) & 0xFF;
      };
    }
    return out;
  }

  /** The bytes of a contiguous view: its elements from the storage's offset on. */
  private ByteBuffer data(String name, TensorRef t) {
    int size = t.storage().dtype().bytes;
    try (ZipFile zip = new ZipFile(file.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(prefix + "data/" + t.storage().key()))) {
      in.skipNBytes(t.offset() * size);
      byte[] bytes = in.readNBytes(Math.toIntExact(t.numel() * size));
      if (bytes.length != t.numel() * size) {
        throw new IOException("storage data/" + t.storage().key() + " ends early");
      }
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException | ArithmeticException | NullPointerException e) {
      throw new WeightsException(file + ": cannot read tensor '" + name + "': " + e.getMessage());
    }
  }

  /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}

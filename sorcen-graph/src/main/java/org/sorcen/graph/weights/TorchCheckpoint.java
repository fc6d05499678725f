package org.sorcen.graph.weights;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A reader of PyTorch's {@code torch.save} zip format (torch ≥ 1.6): {@code <name>/data.pkl}, a
 * pickle whose tensors refer by persistent id to raw little-endian storages
 * {@code <name>/data/<key>}. The pickle is read by the bounded {@link PickleReader}; this class only
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
    FLOAT32("FloatStorage", 4),
    FLOAT16("HalfStorage", 2),
    BFLOAT16("BFloat16Storage", 2),
    FLOAT64("DoubleStorage", 8),
    INT64("LongStorage", 8),
    INT32("IntStorage", 4),
    INT16("ShortStorage", 2),
    INT8("CharStorage", 1),
    UINT8("ByteStorage", 1),
    BOOL("BoolStorage", 1);

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
      return name().toLowerCase(Locale.ROOT) + " (torch." + storageClass + ")";
    }
  }

  /** One storage: {@code data/<key>} of the archive, {@code numel} elements. */
  record Storage(Dtype dtype, String key, long numel) {}

  /** A tensor: a view of a storage. Built only by {@link #rebuildTensor}, which bounds its arithmetic. */
  record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
    long numel() {
      long n = 1;
      for (long d : size) {
        n = Math.multiplyExact(n, d);
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
        last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
      }
      return Math.addExact(last, 1);
    }
  }

  /** {@code collections.OrderedDict}: its BUILD state ({@code state_dict()._metadata}) is not needed. */
  static final class PyOrderedDict extends LinkedHashMap<Object, Object>
      implements PickleReader.IgnoresState {
    private static final long serialVersionUID = 1L;
  }

  /** {@code argparse.Namespace}: its attributes, which BUILD sets. */
  static final class PyNamespace extends LinkedHashMap<Object, Object>
      implements PickleReader.StateIsEntries {
    private static final long serialVersionUID = 1L;
  }

  /** A tensor's rank at most; PyTorch's own limit is 64. */
  static final int MAX_RANK = 64;

  /** A storage key's length at most: torch writes decimal numbers. */
  static final int MAX_KEY = 256;

  private static final Map<String, PickleReader.Constructor> CONSTRUCTORS =
      Map.of(
          "collections.OrderedDict",
              args -> {
                if (args.length != 0) {
                  throw PickleReader.fail(
                      "collections.OrderedDict called with "
                          + args.length
                          + " arguments, expected none");
                }
                return new PyOrderedDict();
              },
          "torch._utils._rebuild_tensor_v2", TorchCheckpoint::rebuildTensor,
          "torch._utils._rebuild_tensor", TorchCheckpoint::rebuildTensor,
          "torch._utils._rebuild_parameter", TorchCheckpoint::parameter,
          "torch._utils._rebuild_parameter_with_state", TorchCheckpoint::parameter,
          "argparse.Namespace", args -> new PyNamespace());

  private static Object parameter(Object[] args) {
    if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
      throw PickleReader.fail(
          "_rebuild_parameter of "
              + (args.length < 1 ? "nothing" : Echo.of(args[0]))
              + ", not a tensor");
    }
    return t;
  }

  /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, ...)}, every number checked. */
  private static TensorRef rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof Storage storage)) {
      throw PickleReader.fail("_rebuild_tensor_v2 without a storage");
    }
    long offset = count(args[1], "storage_offset");
    long[] size = counts(args[2], "size");
    long[] stride = counts(args[3], "stride");
    if (size.length != stride.length) {
      throw PickleReader.fail(
          "a tensor of " + size.length + " sizes but " + stride.length + " strides");
    }
    TensorRef t = new TensorRef(storage, offset, size, stride);
    try {
      t.numel();
      t.extent();
    } catch (ArithmeticException e) {
      throw PickleReader.fail(
          "a tensor of size "
              + Echo.text(Arrays.toString(size))
              + ", stride "
              + Echo.text(Arrays.toString(stride))
              + ", offset "
              + offset
              + " overflows 64-bit arithmetic");
    }
    return t;
  }

  /** A tuple of counts, at most {@link #MAX_RANK} of them. */
  private static long[] counts(Object tuple, String what) {
    if (!(tuple instanceof Object[] t)) {
      throw PickleReader.fail(
          "the tensor's " + what + " is " + Echo.of(tuple) + ", not a tuple of integers");
    }
    if (t.length > MAX_RANK) {
      throw PickleReader.fail(
          "the tensor's " + what + " has " + t.length + " dimensions (at most " + MAX_RANK + ")");
    }
    long[] out = new long[t.length];
    for (int i = 0; i < t.length; i++) {
      out[i] = count(t[i], what + "[" + i + "]");
    }
    return out;
  }

  /** A non-negative int64: None, a float or a huge integer where a count belongs is refused. */
  private static long count(Object value, String what) {
    if (!(value instanceof Long n) || n < 0) {
      throw PickleReader.fail(what + " is " + Echo.of(value) + ", not a non-negative int64");
    }
    return n;
  }

  /** A persistent id {@code ('storage', torch.<Type>Storage, key, location, numel)}: a storage. */
  private static Storage persistentLoad(Object[] holder) {
    Object pid = holder[0];
    if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
      throw PickleReader.fail(
          "unsupported persistent id "
              + Echo.of(pid)
              + " (expected ('storage', type, key,"
              + " location, numel))");
    }
    Dtype dtype = null;
    if (t[1] instanceof PickleReader.Global g && g.module().equals("torch")) {
      dtype =
          Arrays.stream(Dtype.values())
              .filter(d -> d.storageClass.equals(g.name()))
              .findFirst()
              .orElse(null);
    }
    if (dtype == null) {
      throw PickleReader.fail(
          "unsupported storage type "
              + (t[1] instanceof PickleReader.Global g ? Echo.text(g.qualified()) : Echo.of(t[1])));
    }
    if (!(t[2] instanceof String key) || key.isEmpty() || key.length() > MAX_KEY) {
      throw PickleReader.fail(
          "storage key " + Echo.of(t[2]) + " is not a string of 1 to " + MAX_KEY + " characters");
    }
    long numel = count(t[4], "storage numel");
    if (numel > Long.MAX_VALUE / dtype.bytes) {
      throw PickleReader.fail("storage numel " + numel + " overflows its byte size");
    }
    return new Storage(dtype, key, numel);
  }

  private final Path file;
  private final String prefix;
  private final Map<String, TensorRef> tensors;
  private final Map<String, long[]> shapes;
  private final boolean trainingCheckpoint;
  private final Number epoch;
  private final Map<?, ?> args;

  private TorchCheckpoint(
      Path file,
      String prefix,
      Map<String, TensorRef> tensors,
      boolean trainingCheckpoint,
      Number epoch,
      Map<?, ?> args) {
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

  /**
   * data.pkl's size at most, as a multiple of the file's: torch.save stores it uncompressed, so this
   * only bounds the memory a deflated pickle could inflate to.
   */
  static final int MAX_PICKLE_EXPANSION = 8;

  /** Reads the pickle and checks every tensor of the state_dict against its storage; data are read on demand. */
  public static TorchCheckpoint read(Path file) {
    String notRegular = RegularFile.problem(file);
    if (notRegular != null) {
      throw new WeightsException(Files.exists(file) ? notRegular : "checkpoint not found: " + file);
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = null;
      for (ZipEntry e : Collections.list(zip.entries())) {
        String n = e.getName();
        if (n.endsWith("data.pkl")
            && (n.equals("data.pkl") || n.indexOf('/') == n.length() - "/data.pkl".length())) {
          prefix = n.substring(0, n.length() - "data.pkl".length());
          break;
        }
      }
      if (prefix == null) {
        throw new WeightsException(file + ": a zip without data.pkl: not a torch.save checkpoint");
      }
      ZipEntry order = zip.getEntry(prefix + "byteorder");
      if (order != null) {
        String o;
        try (InputStream in = zip.getInputStream(order)) {
          o = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
        }
        if (!o.equals("little")) {
          throw new WeightsException(
              file
                  + ": storages are "
                  + Echo.text(o)
                  + "-endian; only little-endian"
                  + " checkpoints are read");
        }
      }
      long limit =
          Math.min(Integer.MAX_VALUE - 16L, MAX_PICKLE_EXPANSION * Files.size(file) + 4096);
      byte[] pickle;
      try (InputStream in = zip.getInputStream(zip.getEntry(prefix + "data.pkl"))) {
        pickle = in.readNBytes((int) limit + 1);
      }
      if (pickle.length > limit) {
        throw new WeightsException(
            file
                + ": "
                + prefix
                + "data.pkl inflates to more than "
                + limit
                + " bytes, "
                + MAX_PICKLE_EXPANSION
                + " times the file: not a torch.save pickle");
      }
      Object root;
      try {
        root = PickleReader.load(pickle, CONSTRUCTORS, TorchCheckpoint::persistentLoad);
      } catch (PickleReader.Malformed e) {
        throw new WeightsException(
            file + ": cannot unpickle " + prefix + "data.pkl: " + e.getMessage());
      }
      return fromRoot(file, zip, prefix, root);
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new WeightsException("checkpoint not found: " + file);
    } catch (ZipException e) {
      throw new WeightsException(
          file
              + ": not a readable zip archive (truncated or damaged?): "
              + Echo.text(String.valueOf(e.getMessage())));
    } catch (IOException e) {
      throw new WeightsException(
          file + ": cannot read: " + Echo.text(String.valueOf(e.getMessage())));
    }
  }

  private static TorchCheckpoint fromRoot(Path file, ZipFile zip, String prefix, Object root) {
    if (!(root instanceof Map<?, ?> top)) {
      throw new WeightsException(
          file + ": holds " + Echo.of(root) + ", not a state_dict or a training checkpoint");
    }
    boolean training = top.get("model") instanceof Map;
    // taming / PyTorch Lightning checkpoints (MAGE's VQGAN) keep their weights under 'state_dict'.
    Map<?, ?> model =
        training
            ? (Map<?, ?>) top.get("model")
            : top.get("state_dict") instanceof Map<?, ?> sd ? sd : top;
    Map<String, TensorRef> tensors = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<?, ?> e : model.entrySet()) {
      if (!(e.getValue() instanceof TensorRef t)) {
        continue;
      }
      if (!(e.getKey() instanceof String name)) {
        throw new WeightsException(
            file + ": a tensor is keyed by " + Echo.of(e.getKey()) + ", not a name");
      }
      tensors.put(name, t);
      check(zip, prefix, name, t).ifPresent(problems::add);
    }
    if (tensors.isEmpty()) {
      throw new WeightsException(
          file
              + ": no tensors found: expected a state_dict or a dict with a 'model' "
              + "state_dict (keys: "
              + keys(top)
              + ")");
    }
    if (!problems.isEmpty()) {
      throw new WeightsException(
          file
              + " is damaged: "
              + String.join("; ", problems.subList(0, Math.min(2, problems.size())))
              + (problems.size() > 2 ? "; and " + (problems.size() - 2) + " more tensors" : ""));
    }
    // An int64 or a float: a 600-digit epoch is damage, not an epoch to print.
    Number epoch =
        training && (top.get("epoch") instanceof Long || top.get("epoch") instanceof Double)
            ? (Number) top.get("epoch")
            : null;
    Map<?, ?> args = training && top.get("args") instanceof Map<?, ?> a ? a : null;
    return new TorchCheckpoint(
        file, prefix, Collections.unmodifiableMap(tensors), training, epoch, args);
  }

  /** The first few keys of {@code map}, each bounded, for a message. */
  static String keys(Map<?, ?> map) {
    List<String> shown = map.keySet().stream().limit(5).map(Echo::of).toList();
    return String.join(", ", shown)
        + (map.size() > shown.size() ? ", ... (" + map.size() + " keys)" : "");
  }

  private static Optional<String> check(ZipFile zip, String prefix, String name, TensorRef t) {
    String tensor = "tensor " + Echo.of(name);
    String key = Echo.text(t.storage().key());
    ZipEntry data = zip.getEntry(prefix + "data/" + t.storage().key());
    if (data == null) {
      return Optional.of(tensor + ": storage data/" + key + " is missing");
    }
    long need = t.storage().numel() * t.storage().dtype().bytes;
    if (data.getSize() < need) {
      return Optional.of(
          tensor
              + ": storage data/"
              + key
              + " has "
              + data.getSize()
              + " bytes, its "
              + t.storage().numel()
              + " elements need "
              + need);
    }
    if (t.extent() > t.storage().numel()) {
      return Optional.of(
          tensor
              + " (size "
              + Echo.text(Arrays.toString(t.size()))
              + ", stride "
              + Echo.text(Arrays.toString(t.stride()))
              + ", offset "
              + t.offset()
              + ") does not fit its storage of "
              + t.storage().numel()
              + " elements");
    }
    return Optional.empty();
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
      throw wrongDtype(
          name, t.storage().dtype(), "a weight needs float32, float16, bfloat16 or float64");
    }
    checkContiguous(name, t);
  }

  /** A refusal of the tensor's dtype: "FILE: tensor 'NAME' is DTYPE, {@code expected}". */
  private WeightsException wrongDtype(String name, Dtype dtype, String expected) {
    return new WeightsException(
        file + ": tensor '" + name + "' is " + dtype.describe() + ", " + expected);
  }

  private void checkContiguous(String name, TensorRef t) {
    if (!t.contiguous()) {
      throw new WeightsException(
          file
              + ": tensor '"
              + name
              + "' is not contiguous (size "
              + Arrays.toString(t.size())
              + ", stride "
              + Arrays.toString(t.stride())
              + "): save it with .contiguous()");
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
      out[i] =
          switch (t.storage().dtype()) {
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
      throw wrongDtype(name, t.storage().dtype(), "expected int64");
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
      throw wrongDtype(name, d, "expected an integer dtype (int64, int32, int16, int8 or uint8)");
    }
    checkContiguous(name, t);
    ByteBuffer b = data(name, t);
    long[] out = new long[b.capacity() / d.bytes];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (d) {
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
    // Both fit: read() checked the view against its storage, whose byte size fits a long.
    long length = t.numel() * size;
    if (length > Integer.MAX_VALUE - 16) {
      throw new WeightsException(
          file
              + ": tensor "
              + Echo.of(name)
              + " holds "
              + length
              + " bytes, more than one Java"
              + " array can (2^31 - 17)");
    }
    try (ZipFile zip = new ZipFile(file.toFile());
        InputStream in = zip.getInputStream(zip.getEntry(prefix + "data/" + t.storage().key()))) {
      in.skipNBytes(t.offset() * size);
      byte[] bytes =
          in.readNBytes((int) length); // grows with the bytes read, not with the length asked
      if (bytes.length != length) {
        throw new IOException("storage data/" + Echo.text(t.storage().key()) + " ends early");
      }
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new WeightsException(
          file
              + ": cannot read tensor "
              + Echo.of(name)
              + ": "
              + Echo.text(String.valueOf(e.getMessage())));
    }
  }

  /** IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included). */
  public static float halfToFloat(short h) {
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

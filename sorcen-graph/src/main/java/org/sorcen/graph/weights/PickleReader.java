package org.sorcen.graph.weights;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bounded unpickler for the binary pickle protocols (2 to 5) that {@code torch.save} writes. A
 * pickle is untrusted input, so: every length is checked against the bytes that remain before
 * anything is allocated; every pop, MARK and memo reference is checked (a pop never crosses the
 * innermost MARK, as in CPython); MARKs nest at most {@link #MAX_MARKS} deep; integers are at most
 * {@link #MAX_INT_BYTES} bytes; dict keys and set items must be hashable scalars or tuples; and
 * nothing here recurses, so structures of any depth are only references. Each opcode adds O(1) to
 * the stack and memo, so memory is a small multiple of the pickle's size. Any defect is a
 * {@link Malformed} naming the opcode and its offset. Nothing is imported: a global is a
 * {@link Global}, and calling one gives what its registered {@link Constructor} builds, or else a
 * {@link PyObject} holding the arguments.
 */
final class PickleReader {
  static final int MAX_MARKS = 1000;
  static final int MAX_INT_BYTES = 1024;
  private static final int MAX_LINE = 1000;

  /** A defect of the pickle; the message is one line. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** A {@code module.name} global (a class or function), not imported. */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** An instance of a global without a registered constructor: its arguments, BUILD state, items. */
  static final class PyObject {
    final Global cls;
    final Object[] args;
    Object state;
    final Map<Object, Object> items = new LinkedHashMap<>();
    final List<Object> list = new ArrayList<>();

    PyObject(Global cls, Object[] args) {
      this.cls = cls;
      this.args = args;
    }
  }

  /** Builds the object a global returns for {@code args}; refuses bad arguments with {@link #fail}. */
  @FunctionalInterface
  interface Constructor {
    Object construct(Object[] args);
  }

  /** A map whose BUILD state is dropped ({@code collections.OrderedDict}'s {@code _metadata}). */
  interface IgnoresState {}

  /** A map whose BUILD state, a dict, becomes its entries ({@code argparse.Namespace}'s attributes). */
  interface StateIsEntries {}

  private final byte[] b;
  private final Map<String, Constructor> constructors;
  private final Constructor persistentLoad;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final int[] marks = new int[MAX_MARKS];
  private int markCount;
  private final HashMap<Long, Object> memo = new HashMap<>();
  private int pos;

  private PickleReader(
      byte[] pickle, Map<String, Constructor> constructors, Constructor persistentLoad) {
    this.b = pickle;
    this.constructors = constructors;
    this.persistentLoad = persistentLoad;
  }

  /**
   * The object {@code pickle} holds. {@code constructors} is keyed by {@code module.name};
   * {@code persistentLoad} gets a one-element array holding the persistent id.
   */
  static Object load(
      byte[] pickle, Map<String, Constructor> constructors, Constructor persistentLoad) {
    return new PickleReader(pickle, constructors, persistentLoad).run();
  }

  static Malformed fail(String message) {
    return new Malformed(message);
  }

  private Object run() {
    while (pos < b.length) {
      int at = pos;
      int op = b[pos++] & 0xFF;
      try {
        if (op == '.') {
          return pop();
        }
        step(op);
      } catch (Malformed e) {
        throw new Malformed("offset " + at + " (" + name(op) + "): " + e.getMessage());
      }
    }
    throw new Malformed("ends at offset " + b.length + " without STOP: truncated");
  }

  private void step(int op) {
    switch (op) {
      case '(' -> {
        if (markCount == MAX_MARKS) {
          throw fail("more than " + MAX_MARKS + " nested MARKs");
        }
        marks[markCount++] = stack.size();
      }
      case '0' -> pop();
      case '1' -> popMark();
      case '2' -> stack.add(peek());
      case 'N' -> stack.add(null);
      case 0x88 -> stack.add(Boolean.TRUE);
      case 0x89 -> stack.add(Boolean.FALSE);
      case 'J' -> stack.add((long) (int) unsigned(4));
      case 'K' -> stack.add(unsigned(1));
      case 'M' -> stack.add(unsigned(2));
      case 0x8a -> stack.add(integer(unsigned(1)));
      case 0x8b -> stack.add(integer((int) unsigned(4)));
      case 'G' -> stack.add(ByteBuffer.wrap(bytes(8)).getDouble());
      case 'X' -> stack.add(utf8(unsigned(4)));
      case 0x8c -> stack.add(utf8(unsigned(1)));
      case 0x8d -> stack.add(utf8(signed8()));
      case 'T' -> stack.add(new String(bytes(unsigned(4)), StandardCharsets.ISO_8859_1));
      case 'U' -> stack.add(new String(bytes(unsigned(1)), StandardCharsets.ISO_8859_1));
      case 'B' -> stack.add(bytes(unsigned(4)));
      case 'C' -> stack.add(bytes(unsigned(1)));
      case 0x8e, 0x96 -> stack.add(bytes(signed8()));
      case 0x80 -> {
        long version = unsigned(1);
        if (version > 5) {
          throw fail("pickle protocol " + version + ": 2 to 5 are read");
        }
      }
      case 0x95 -> bytesLeft(signed8()); // FRAME: a length, checked and otherwise ignored
      case '}' -> stack.add(new LinkedHashMap<>());
      case ']' -> stack.add(new ArrayList<>());
      case ')' -> stack.add(new Object[0]);
      case 0x8f -> stack.add(new LinkedHashSet<>());
      case 't' -> stack.add(popMark().toArray());
      case 0x85, 0x86, 0x87 -> {
        Object[] t = new Object[op - 0x84];
        for (int i = t.length - 1; i >= 0; i--) {
          t[i] = pop();
        }
        stack.add(t);
      }
      case 'l' -> stack.add(new ArrayList<>(popMark()));
      case 'e' -> appendAll(popMark());
      case 'a' -> appendAll(Collections.singletonList(pop()));
      case 'd' -> {
        Map<Object, Object> m = new LinkedHashMap<>();
        putAll(m, popMark());
        stack.add(m);
      }
      case 'u' -> setItems(popMark());
      case 's' -> {
        Object v = pop();
        Object k = pop();
        setItems(Arrays.asList(k, v));
      }
      case 0x90 -> addItems(popMark());
      case 0x91 -> {
        Set<Object> s = new LinkedHashSet<>();
        for (Object o : popMark()) {
          s.add(hashable(o));
        }
        stack.add(s);
      }
      case 'q' -> memo.put(unsigned(1), peek());
      case 'r' -> memo.put(unsigned(4), peek());
      case 0x94 -> memo.put((long) memo.size(), peek());
      case 'h' -> stack.add(memoGet(unsigned(1)));
      case 'j' -> stack.add(memoGet(unsigned(4)));
      case 'c' -> stack.add(new Global(line(), line()));
      case 0x93 -> {
        Object n = pop();
        Object m = pop();
        if (!(m instanceof String module) || !(n instanceof String name)) {
          throw fail("module and name must be strings, not " + Echo.of(m) + " and " + Echo.of(n));
        }
        stack.add(new Global(module, name));
      }
      case 'R', 0x81 -> {
        Object args = pop();
        stack.add(call(pop(), args));
      }
      case 0x92 -> {
        pop(); // keyword arguments: no constructor read here takes any
        Object args = pop();
        stack.add(call(pop(), args));
      }
      case 'b' -> build(pop(), peek());
      case 'Q' -> stack.add(persistentLoad.construct(new Object[] {pop()}));
      default ->
          throw fail(
              "opcode 0x"
                  + Integer.toHexString(op)
                  + " is not read (torch.save writes binary"
                  + " pickles of protocol 2 to 5)");
    }
  }

  private Object call(Object callable, Object args) {
    if (!(callable instanceof Global g)) {
      throw fail("calls " + Echo.of(callable) + ", not a global");
    }
    if (!(args instanceof Object[] a)) {
      throw fail(
          Echo.text(g.qualified())
              + " called with "
              + Echo.of(args)
              + ", not a tuple of arguments");
    }
    Constructor c = constructors.get(g.qualified());
    return c != null ? c.construct(a) : new PyObject(g, a);
  }

  private void build(Object state, Object target) {
    if (target instanceof IgnoresState) {
      return;
    }
    if (target instanceof StateIsEntries
        && target instanceof Map<?, ?>
        && state instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> entries = (Map<Object, Object>) target;
      entries.putAll(m);
    } else if (target instanceof PyObject o) {
      o.state = state;
    } else {
      throw fail(
          "sets the state of "
              + Echo.of(target)
              + ", which has none (state: "
              + Echo.of(state)
              + ")");
    }
  }

  private void appendAll(List<Object> items) {
    Object target = peek();
    if (target instanceof List<?>) {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) target;
      list.addAll(items);
    } else if (target instanceof PyObject o) {
      o.list.addAll(items);
    } else {
      throw fail("appends to " + Echo.of(target) + ", not a list");
    }
  }

  private void setItems(List<Object> keysAndValues) {
    Object target = peek();
    if (target instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<Object, Object> map = (Map<Object, Object>) target;
      putAll(map, keysAndValues);
    } else if (target instanceof PyObject o) {
      putAll(o.items, keysAndValues);
    } else {
      throw fail("sets items of " + Echo.of(target) + ", not a dict");
    }
  }

  private static void putAll(Map<Object, Object> map, List<Object> keysAndValues) {
    if (keysAndValues.size() % 2 != 0) {
      throw fail("an odd number of items (" + keysAndValues.size() + ") for key-value pairs");
    }
    for (int i = 0; i < keysAndValues.size(); i += 2) {
      map.put(hashable(keysAndValues.get(i)), keysAndValues.get(i + 1));
    }
  }

  private void addItems(List<Object> items) {
    if (!(peek() instanceof Set<?>)) {
      throw fail("adds items to " + Echo.of(peek()) + ", not a set");
    }
    @SuppressWarnings("unchecked")
    Set<Object> set = (Set<Object>) peek();
    for (Object o : items) {
      set.add(hashable(o));
    }
  }

  /** Keys whose hashCode and equals do not recurse: scalars, tuples (identity) and globals. */
  private static Object hashable(Object key) {
    if (key == null
        || key instanceof String
        || key instanceof Number
        || key instanceof Boolean
        || key instanceof Object[]
        || key instanceof Global
        || key instanceof byte[]) {
      return key;
    }
    throw fail("unhashable key " + Echo.of(key));
  }

  private Object memoGet(long index) {
    if (!memo.containsKey(index)) {
      throw fail("memo " + index + " was never stored");
    }
    return memo.get(index);
  }

  private Object pop() {
    if (stack.size() <= (markCount > 0 ? marks[markCount - 1] : 0)) {
      throw fail(markCount > 0 ? "pops past a MARK" : "pops an empty stack");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() {
    if (stack.size() <= (markCount > 0 ? marks[markCount - 1] : 0)) {
      throw fail(
          markCount > 0 ? "needs an object after the MARK" : "needs an object on an empty stack");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popMark() {
    if (markCount == 0) {
      throw fail("no MARK before it");
    }
    int from = marks[--markCount];
    List<Object> top = stack.subList(from, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private int bytesLeft(long n) {
    if (n < 0 || n > b.length - pos) {
      throw fail(
          "a length of " + n + " at offset " + pos + ", but " + (b.length - pos) + " bytes remain");
    }
    return (int) n;
  }

  private byte[] bytes(long n) {
    int len = bytesLeft(n);
    byte[] out = Arrays.copyOfRange(b, pos, pos + len);
    pos += len;
    return out;
  }

  private long unsigned(int n) {
    bytesLeft(n);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = v << 8 | (b[pos + i] & 0xFF);
    }
    pos += n;
    return v;
  }

  private long signed8() {
    return unsigned(8); // a length over 2^63 is negative, and bytesLeft refuses it
  }

  private String utf8(long n) {
    int len = bytesLeft(n);
    try {
      String s =
          StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, pos, len)).toString();
      pos += len;
      return s;
    } catch (CharacterCodingException e) {
      throw fail("a string of " + len + " bytes that is not UTF-8");
    }
  }

  /** A little-endian two's complement integer of {@code n} bytes: a Long when it fits, else a BigInteger. */
  private Number integer(long n) {
    if (n < 0 || n > MAX_INT_BYTES) {
      throw fail("an integer of " + n + " bytes (at most " + MAX_INT_BYTES + " are read)");
    }
    byte[] le = bytes(n);
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    BigInteger v = be.length == 0 ? BigInteger.ZERO : new BigInteger(be);
    return v.bitLength() < 64 ? (Number) v.longValue() : v;
  }

  /** A newline-terminated ASCII line of GLOBAL, at most {@link #MAX_LINE} bytes. */
  private String line() {
    int end = pos;
    while (end < b.length && end - pos <= MAX_LINE && b[end] != '\n') {
      end++;
    }
    if (end == b.length || b[end] != '\n') {
      throw fail("a module or name without a newline within " + MAX_LINE + " bytes");
    }
    String s = new String(b, pos, end - pos, StandardCharsets.US_ASCII);
    pos = end + 1;
    return s;
  }

  private static String name(int op) {
    return switch (op) {
      case '(' -> "MARK";
      case 't' -> "TUPLE";
      case 'u' -> "SETITEMS";
      case 's' -> "SETITEM";
      case 'e' -> "APPENDS";
      case 'a' -> "APPEND";
      case 'd' -> "DICT";
      case 'l' -> "LIST";
      case 'R' -> "REDUCE";
      case 0x81 -> "NEWOBJ";
      case 'b' -> "BUILD";
      case 'Q' -> "BINPERSID";
      case 'X' -> "BINUNICODE";
      case 'B' -> "BINBYTES";
      case 0x8a -> "LONG1";
      case 0x8b -> "LONG4";
      case 'h', 'j' -> "BINGET";
      case 'c' -> "GLOBAL";
      case '.' -> "STOP";
      default -> "opcode 0x" + Integer.toHexString(op);
    };
  }
}

package org.sorcen.graph.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;

/** The safetensors reader on hand-written files, and the mapping of official names onto graph variables. */
class SafetensorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  // ---------------------------------------------------------------- writing safetensors by hand

  /** Builds a safetensors file: tensors get consecutive data_offsets unless given explicitly. */
  private static final class StFile {
    private final ObjectNode header = JSON.createObjectNode();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    StFile tensor(String name, String dtype, long[] shape, byte[] bytes) {
      long begin = data.size();
      data.writeBytes(bytes);
      return entry(name, dtype, shape, begin, data.size());
    }

    /** A header entry with the given offsets; no data is appended. */
    StFile entry(String name, String dtype, long[] shape, long begin, long end) {
      ObjectNode e = header.putObject(name);
      e.put("dtype", dtype);
      ArrayNode s = e.putArray("shape");
      for (long d : shape) {
        s.add(d);
      }
      e.putArray("data_offsets").add(begin).add(end);
      return this;
    }

    StFile metadata(String key, String value) {
      ObjectNode m =
          header.has("__metadata__")
              ? (ObjectNode) header.get("__metadata__")
              : header.putObject("__metadata__");
      m.put(key, value);
      return this;
    }

    /** Raw bytes appended to the data section without a header entry. */
    StFile padding(int bytes) {
      data.writeBytes(new byte[bytes]);
      return this;
    }

    byte[] bytes() {
      byte[] json;
      try {
        json = JSON.writeValueAsBytes(header);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return concat(le64(json.length), json, data.toByteArray());
    }

    Path write(Path file) {
      return writeBytes(file, bytes());
    }
  }

  private static Path writeBytes(Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] le64(long v) {
    return le(8).putLong(v).array();
  }

  private static byte[] f32(float... v) {
    ByteBuffer b = le(4 * v.length);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private static byte[] f64(double... v) {
    ByteBuffer b = le(8 * v.length);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  private static byte[] i64(long... v) {
    ByteBuffer b = le(8 * v.length);
    for (long x : v) {
      b.putLong(x);
    }
    return b.array();
  }

  private static byte[] i32(int... v) {
    ByteBuffer b = le(4 * v.length);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  /** bfloat16 is the upper half of a float32; the test values have a zero lower half. */
  private static byte[] bf16(float... v) {
    ByteBuffer b = le(2 * v.length);
    for (float x : v) {
      int bits = Float.floatToRawIntBits(x);
      assertEquals(0, bits & 0xFFFF, "test value " + x + " is not exact in bfloat16");
      b.putShort((short) (bits >>> 16));
    }
    return b.array();
  }

  private static long[] shape(long... dims) {
    return dims;
  }

  private static String failure(Executable call) {
    return assertThrows(WeightsException.class, call).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(
          message.contains(part),
          () -> "message should mention '" + part + "' but was:\n" + message);
    }
  }

  // ---------------------------------------------------------------- reading

  @Nested
  class Reading {
    @Test
    void f32ValuesReadBackExactly() {
      float[] values = {0f, -1.5f, 3.1415927f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 1e-30f};
      Path p =
          new StFile()
              .tensor("w", "F32", shape(7), f32(values))
              .write(dir.resolve("f32.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertArrayEquals(values, st.floats("w"));
      assertEquals(
          Float.floatToRawIntBits(-0f),
          Float.floatToRawIntBits(st.floats("w")[5]),
          "sign of -0 kept");
    }

    @Test
    void multiDimensionalTensorsKeepRowMajorOrder() {
      float[] values = {1, 2, 3, 4, 5, 6};
      Path p =
          new StFile()
              .tensor("a", "F32", shape(2, 3), f32(values))
              .write(dir.resolve("m.safetensors"));
      Safetensors.Entry e = Safetensors.read(p).entry("a");
      assertArrayEquals(new long[] {2, 3}, e.shape());
      assertEquals(6, e.numElements());
      assertEquals("[2, 3]", e.shapeString());
      assertEquals("F32", e.dtype());
      assertArrayEquals(values, Safetensors.read(p).floats("a"));
    }

    @Test
    void i64AndI32ValuesReadBackExactly() {
      long[] longs = {0, -1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
      int[] ints = {7, -7, Integer.MAX_VALUE, Integer.MIN_VALUE};
      Path p =
          new StFile()
              .tensor("steps", "I64", shape(5), i64(longs))
              .tensor("ids", "I32", shape(2, 2), i32(ints))
              .write(dir.resolve("ints.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertArrayEquals(longs, st.longs("steps"));
      assertArrayEquals(new long[] {7, -7, Integer.MAX_VALUE, Integer.MIN_VALUE}, st.longs("ids"));
    }

    @Test
    void bf16ValuesReadBackExactly() {
      float[] values = {
        1f, -2.5f, 0.15625f, 65536f, Float.intBitsToFloat(0x7F7F0000), Float.POSITIVE_INFINITY, -0f
      };
      Path p =
          new StFile()
              .tensor("h", "BF16", shape(7), bf16(values))
              .write(dir.resolve("bf16.safetensors"));
      float[] read = Safetensors.read(p).floats("h");
      assertArrayEquals(values, read);
      assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(read[6]));
    }

    @Test
    void f64ValuesAreNarrowedToFloat() {
      double[] values = {0.5, -1.25, 1e10, 0.1, -3.0e-5};
      Path p =
          new StFile()
              .tensor("d", "F64", shape(5), f64(values))
              .write(dir.resolve("f64.safetensors"));
      float[] read = Safetensors.read(p).floats("d");
      float[] expected = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        expected[i] = (float) values[i];
      }
      assertArrayEquals(expected, read);
      assertEquals(1e10f, read[2]);
    }

    @Test
    void mixedDtypesAtUnalignedOffsets() {
      // A 2-byte BF16 tensor first puts every later tensor at an odd multiple of 2.
      Path p =
          new StFile()
              .tensor("half", "BF16", shape(1), bf16(2f))
              .tensor("full", "F32", shape(2), f32(1.25f, -8f))
              .tensor("count", "I64", shape(), i64(42))
              .tensor("wide", "F64", shape(1), f64(-0.75))
              .write(dir.resolve("mixed.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertArrayEquals(new float[] {2f}, st.floats("half"));
      assertArrayEquals(new float[] {1.25f, -8f}, st.floats("full"));
      assertArrayEquals(
          new long[] {42}, st.longs("count"), "a scalar has shape [] and one element");
      assertArrayEquals(new float[] {-0.75f}, st.floats("wide"));
      assertEquals(List.of("half", "full", "count", "wide"), List.copyOf(st.entries().keySet()));
      assertEquals(2, st.entry("full").begin());
      assertEquals(10, st.entry("full").end());
    }

    @Test
    void metadataIsReadAndNotATensor() {
      Path p =
          new StFile()
              .metadata("format", "pt")
              .metadata("epoch", "1600")
              .tensor("w", "F32", shape(1), f32(1f))
              .write(dir.resolve("meta.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertEquals(Map.of("format", "pt", "epoch", "1600"), st.metadata());
      assertEquals(Set.of("w"), st.entries().keySet());
      assertEquals(p, st.file());
    }

    @Test
    void noMetadataGivesAnEmptyMap() {
      Path p =
          new StFile()
              .tensor("w", "F32", shape(1), f32(1f))
              .write(dir.resolve("nometa.safetensors"));
      assertTrue(Safetensors.read(p).metadata().isEmpty());
    }

    @Test
    void emptyTensor() {
      Path p =
          new StFile()
              .tensor("empty", "F32", shape(0, 4), new byte[0])
              .write(dir.resolve("empty.safetensors"));
      assertEquals(0, Safetensors.read(p).floats("empty").length);
    }
  }

  // ---------------------------------------------------------------- errors

  @Nested
  class Errors {
    @Test
    void fileShorterThanEightBytes() {
      Path p = writeBytes(dir.resolve("short.safetensors"), new byte[] {1, 2, 3, 4, 5});
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "5 bytes");
      Path empty = writeBytes(dir.resolve("zero.safetensors"), new byte[0]);
      assertMentions(failure(() -> Safetensors.read(empty)), empty.toString());
    }

    @Test
    void missingFile() {
      Path p = dir.resolve("absent.safetensors");
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "not found");
    }

    @Test
    void headerLengthLargerThanTheFile() {
      byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
      Path p = writeBytes(dir.resolve("header.safetensors"), concat(le64(1000), json));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "1000", "10 bytes");
    }

    @Test
    void hugeOrNegativeHeaderLength() {
      Path huge =
          writeBytes(dir.resolve("huge.safetensors"), concat(le64(Long.MAX_VALUE), new byte[16]));
      assertMentions(failure(() -> Safetensors.read(huge)), huge.toString());
      Path negative = writeBytes(dir.resolve("neg.safetensors"), concat(le64(-5), new byte[16]));
      assertMentions(failure(() -> Safetensors.read(negative)), negative.toString(), "-5");
    }

    @Test
    void headerThatIsNotJson() {
      byte[] json = "{not json".getBytes(StandardCharsets.UTF_8);
      Path p = writeBytes(dir.resolve("json.safetensors"), concat(le64(json.length), json));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "JSON");
    }

    @Test
    void truncatedData() {
      byte[] full =
          new StFile()
              .tensor("ok", "F32", shape(2), f32(1, 2))
              .tensor("cut", "F32", shape(4), f32(1, 2, 3, 4))
              .bytes();
      Path p =
          writeBytes(dir.resolve("truncated.safetensors"), Arrays.copyOf(full, full.length - 3));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'cut'", "[8, 24)");
    }

    @Test
    void offsetsBeyondTheDataSection() {
      Path p =
          new StFile()
              .entry("far", "F32", shape(2), 100, 108)
              .padding(16)
              .write(dir.resolve("far.safetensors"));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'far'", "16");
    }

    @Test
    void offsetsInconsistentWithShapeAndDtype() {
      // F32 [2, 2] needs 16 bytes; the header claims 12.
      Path p =
          new StFile()
              .entry("w", "F32", shape(2, 2), 0, 12)
              .padding(16)
              .write(dir.resolve("size.safetensors"));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'w'", "[2, 2]", "16");
      // I64 [3] with the byte count of an I32 [3].
      Path q =
          new StFile()
              .entry("n", "I64", shape(3), 0, 12)
              .padding(24)
              .write(dir.resolve("size2.safetensors"));
      assertMentions(failure(() -> Safetensors.read(q)), q.toString(), "'n'", "24");
    }

    @Test
    void negativeOffsets() {
      Path p =
          new StFile()
              .entry("w", "F32", shape(1), -4, 0)
              .padding(8)
              .write(dir.resolve("negoff.safetensors"));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'w'");
    }

    @Test
    void unsupportedDtype() {
      Path p =
          new StFile()
              .entry("w", "C64", shape(2), 0, 16)
              .padding(16)
              .write(dir.resolve("dtype.safetensors"));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'w'", "C64");
    }

    @Test
    void entryWithoutDtype() {
      StFile f = new StFile().tensor("w", "F32", shape(1), f32(1));
      ((ObjectNode) f.header.get("w")).remove("dtype");
      Path p = f.write(dir.resolve("nodtype.safetensors"));
      assertMentions(failure(() -> Safetensors.read(p)), p.toString(), "'w'");
    }

    @Test
    void missingTensor() {
      Path p =
          new StFile()
              .tensor("w", "F32", shape(1), f32(1))
              .write(dir.resolve("missing.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertMentions(failure(() -> st.floats("nope")), p.toString(), "'nope'");
      assertMentions(failure(() -> st.longs("nope")), p.toString(), "'nope'");
      assertMentions(failure(() -> st.entry("nope")), p.toString(), "'nope'");
    }

    @Test
    void floatsOfAnIntegerTensor() {
      Path p =
          new StFile()
              .tensor("steps", "I64", shape(2), i64(1, 2))
              .tensor("w", "F32", shape(1), f32(1))
              .write(dir.resolve("kind.safetensors"));
      Safetensors st = Safetensors.read(p);
      assertMentions(failure(() -> st.floats("steps")), p.toString(), "'steps'", "I64");
      assertMentions(failure(() -> st.longs("w")), p.toString(), "'w'", "F32");
    }
  }

  // ---------------------------------------------------------------- official state dict

  /** grid 2 (L = 4, 5 positions), C = 8 (V = 1009), D = Dd = 8, one block each, projector 8->8->4, predictor 4->8->4. */
  private static final String TINY =
      """
      {"model": {"grid": 2, "codebook_size": 8, "embed_dim": 8, "depth": 1, "num_heads": 2,
                 "decoder_embed_dim": 8, "decoder_depth": 1, "decoder_num_heads": 2,
                 "projector_hidden_dim": 8, "projector_dim": 4, "predictor_hidden_dim": 8},
       "echo": {"top_k": 3},
       "optimizer": {"warmup_epochs": 0},
       "train": {"batch_size": 4, "epochs": 1}}
      """;

  private static SorcenConfig tiny(Map<String, String> overrides) {
    return ConfigLoader.parse(TINY, "tiny", overrides);
  }

  /** Name and shape of every non-optimizer variable the config declares. */
  private static Map<String, long[]> declared(SorcenConfig cfg) {
    try (Graph g = new Graph()) {
      Variables vars = new Variables(Ops.create(g));
      SorcenVariables.declare(vars, cfg);
      Map<String, long[]> out = new LinkedHashMap<>();
      for (ModelVariable v : vars.all()) {
        if (v.role() != VariableRole.OPTIMIZER) {
          out.put(v.name(), v.shape().asArray());
        }
      }
      return out;
    }
  }

  /** A checkpoint holding a zero F32 tensor for every entry of {@code shapes}, after {@code edit}. */
  private Path checkpoint(String fileName, Map<String, long[]> shapes, UnaryOperator<StFile> edit) {
    StFile f = new StFile();
    shapes.forEach(
        (name, s) -> {
          long n = 1;
          for (long d : s) {
            n *= d;
          }
          f.tensor(name, "F32", s, new byte[Math.toIntExact(4 * n)]);
        });
    return edit.apply(f).write(dir.resolve(fileName));
  }

  /** Runs {@code body} with the variables of {@code cfg} declared in a fresh graph. */
  private static void withVariables(SorcenConfig cfg, Consumer<Variables> body) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      SorcenVariables.declare(vars, cfg);
      body.accept(vars);
    }
  }

  @Nested
  class OfficialNames {
    private final SorcenConfig cfg = tiny(Map.of());

    @Test
    void theGraphUsesTheOfficialNamesAndLayouts() {
      Map<String, long[]> shapes = declared(cfg);
      Map<String, long[]> expected =
          Map.ofEntries(
              Map.entry("token_emb.word_embeddings.weight", new long[] {1009, 8}),
              Map.entry("token_emb.position_embeddings.weight", new long[] {5, 8}),
              Map.entry("token_emb.LayerNorm.weight", new long[] {8}),
              Map.entry("blocks.0.attn.qkv.weight", new long[] {24, 8}),
              Map.entry("blocks.0.attn.qkv.bias", new long[] {24}),
              Map.entry("blocks.0.mlp.fc1.weight", new long[] {32, 8}),
              Map.entry("blocks.0.mlp.fc2.weight", new long[] {8, 32}),
              Map.entry("blocks_momentum.0.attn.proj.weight", new long[] {8, 8}),
              Map.entry("norm.weight", new long[] {8}),
              Map.entry("decoder_embed.weight", new long[] {8, 8}),
              Map.entry("decoder_pos_embed_learned", new long[] {1, 5, 8}),
              Map.entry("decoder_blocks.0.norm2.bias", new long[] {8}),
              Map.entry("decoder_norm.weight", new long[] {8}),
              Map.entry("mlm_layer.fc.weight", new long[] {8, 8}),
              Map.entry("mlm_layer.ln.bias", new long[] {8}),
              Map.entry("mlm_layer.bias", new long[] {1, 1, 1009}),
              Map.entry("projector.projector.0.weight", new long[] {8, 8}),
              Map.entry("projector.projector.1.running_var", new long[] {8}),
              Map.entry("projector.projector.3.weight", new long[] {4, 8}),
              Map.entry("momentum_projector.projector.1.running_mean", new long[] {8}),
              Map.entry("predictor.projector.0.weight", new long[] {8, 4}),
              Map.entry("predictor.projector.3.weight", new long[] {4, 8}));
      expected.forEach(
          (name, s) -> {
            assertTrue(
                shapes.containsKey(name),
                () -> "no variable " + name + " among " + shapes.keySet());
            assertArrayEquals(s, shapes.get(name), name);
          });
    }

    @Test
    void completeFilePlansEveryVariable() {
      Map<String, long[]> shapes = declared(cfg);
      Path p = checkpoint("full.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars -> {
            List<WeightPlan.Assignment> plan = OfficialStateDict.plan(vars, st);
            assertEquals(
                List.copyOf(shapes.keySet()), plan.stream().map(a -> a.variable().name()).toList());
            plan.forEach(a -> assertEquals(a.variable().name(), a.tensor()));
            assertEquals(List.of(), OfficialStateDict.unused(vars, st, Set.of()));
          });
    }

    @Test
    void optimizerStateIsNotPlanned() {
      Map<String, long[]> shapes = declared(cfg);
      Path p = checkpoint("full.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars -> {
            vars.create(
                "adamw.m.norm.weight",
                Shape.of(8),
                VariableRole.OPTIMIZER,
                Initializers.zeros(Shape.of(8)));
            List<WeightPlan.Assignment> plan = OfficialStateDict.plan(vars, st);
            assertEquals(shapes.size(), plan.size());
            assertFalse(plan.stream().anyMatch(a -> a.variable().name().startsWith("adamw.")));
          });
    }

    @Test
    void missingTensorIsNamedWithItsShape() {
      Map<String, long[]> shapes = new LinkedHashMap<>(declared(cfg));
      shapes.remove("blocks.0.mlp.fc2.weight");
      Path p = checkpoint("missing.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars -> {
            String msg = failure(() -> OfficialStateDict.plan(vars, st));
            assertMentions(
                msg, p.toString(), "missing tensor 'blocks.0.mlp.fc2.weight'", "[8, 32]");
            assertFalse(msg.contains("fc1"), msg);
          });
    }

    @Test
    void wrongShapeIsNamedWithBothShapes() {
      Map<String, long[]> shapes = new LinkedHashMap<>(declared(cfg));
      shapes.put("decoder_pos_embed_learned", new long[] {1, 17, 8}); // a checkpoint for grid 4
      Path p = checkpoint("shape.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars -> {
            String msg = failure(() -> OfficialStateDict.plan(vars, st));
            assertMentions(
                msg, p.toString(), "'decoder_pos_embed_learned'", "[1, 17, 8]", "[1, 5, 8]");
          });
    }

    @Test
    void transposedLinearWeightIsAWrongShape() {
      Map<String, long[]> shapes = new LinkedHashMap<>(declared(cfg));
      shapes.put(
          "projector.projector.3.weight", new long[] {8, 4}); // in×out instead of PyTorch's out×in
      Path p = checkpoint("transposed.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars ->
              assertMentions(
                  failure(() -> OfficialStateDict.plan(vars, st)),
                  "'projector.projector.3.weight'",
                  "[8, 4]",
                  "[4, 8]"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
      Map<String, long[]> shapes = new LinkedHashMap<>(declared(cfg));
      shapes.remove("mlm_layer.bias");
      shapes.remove("blocks_momentum.0.norm1.weight");
      shapes.put("token_emb.word_embeddings.weight", new long[] {2025, 8});
      Path p = checkpoint("many.safetensors", shapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars ->
              assertMentions(
                  failure(() -> OfficialStateDict.plan(vars, st)),
                  "'mlm_layer.bias'",
                  "[1, 1, 1009]",
                  "'blocks_momentum.0.norm1.weight'",
                  "'token_emb.word_embeddings.weight'",
                  "[2025, 8]",
                  "[1009, 8]"));
    }

    @Test
    void unusedIgnoresLegacyTensorsButReportsStrayOnes() {
      Map<String, long[]> shapes = declared(cfg);
      Path p =
          checkpoint(
              "legacy.safetensors",
              shapes,
              f ->
                  f.tensor("pos_embed", "F32", shape(1, 5, 8), new byte[160])
                      .tensor("decoder_pos_embed", "F32", shape(1, 5, 8), new byte[160])
                      .tensor("cls_token", "F32", shape(1, 1, 8), new byte[32])
                      .tensor("mask_token", "F32", shape(1, 1, 8), new byte[32])
                      .tensor("token_emb.position_ids", "I64", shape(1, 5), i64(0, 1, 2, 3, 4))
                      .tensor("patch_embed.proj.weight", "F32", shape(8, 3, 1, 1), new byte[96])
                      .tensor("patch_embed.proj.bias", "F32", shape(8), new byte[32])
                      .tensor("decoder_pred.weight", "F32", shape(4, 8), new byte[128])
                      .tensor("projector.projector.1.num_batches_tracked", "I64", shape(), i64(7))
                      .tensor(
                          "momentum_projector.projector.1.num_batches_tracked",
                          "I64",
                          shape(),
                          i64(7))
                      .tensor("stray.weight", "F32", shape(2), f32(1, 2))
                      .tensor("blocks.7.norm1.weight", "F32", shape(8), new byte[32]));
      Safetensors st = Safetensors.read(p);
      withVariables(
          cfg,
          vars -> {
            assertEquals(
                shapes.size(),
                OfficialStateDict.plan(vars, st).size(),
                "legacy tensors do not disturb the plan");
            assertEquals(
                List.of("stray.weight", "blocks.7.norm1.weight"),
                OfficialStateDict.unused(vars, st, Set.of()));
            assertEquals(
                List.of("blocks.7.norm1.weight"),
                OfficialStateDict.unused(vars, st, Set.of("stray.")));
          });
    }

    @Test
    void mageBaselineReportsTheTeacherAsUnused() {
      SorcenConfig mage = tiny(Map.of("method", "mage"));
      Map<String, long[]> sorcenShapes = declared(cfg);
      Path p = checkpoint("sorcen.safetensors", sorcenShapes, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          mage,
          vars -> {
            assertEquals(declared(mage).size(), OfficialStateDict.plan(vars, st).size());
            List<String> unused = OfficialStateDict.unused(vars, st, Set.of());
            assertFalse(unused.isEmpty());
            assertTrue(
                unused.stream()
                    .allMatch(
                        n ->
                            n.startsWith("blocks_momentum.")
                                || n.startsWith("projector.")
                                || n.startsWith("momentum_projector.")
                                || n.startsWith("predictor.")),
                unused::toString);
            assertTrue(unused.contains("blocks_momentum.0.attn.qkv.weight"), unused::toString);
            assertTrue(unused.contains("predictor.projector.3.bias"), unused::toString);
          });
    }

    @Test
    void classifierIsPlannedWhenConfigured() {
      SorcenConfig withClasses =
          tiny(Map.of("model.num_classes", "3", "model.classifier_hidden_dim", "6"));
      Map<String, long[]> shapes = declared(withClasses);
      assertArrayEquals(new long[] {6, 8}, shapes.get("classifier.0.weight"));
      assertArrayEquals(new long[] {3, 6}, shapes.get("classifier.2.weight"));
      assertArrayEquals(new long[] {3}, shapes.get("classifier.2.bias"));
      Map<String, long[]> withoutClassifier = declared(cfg);
      Path p = checkpoint("noclf.safetensors", withoutClassifier, f -> f);
      Safetensors st = Safetensors.read(p);
      withVariables(
          withClasses,
          vars ->
              assertMentions(
                  failure(() -> OfficialStateDict.plan(vars, st)),
                  "missing tensor 'classifier.0.weight'",
                  "missing tensor 'classifier.2.bias'",
                  "[3]"));
    }
  }
}

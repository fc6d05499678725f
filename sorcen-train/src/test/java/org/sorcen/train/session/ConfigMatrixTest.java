package org.sorcen.train.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.model.Encoder;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.VqTokenizer;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.tokenizer.TokenizerTrainingSession;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The config matrix (in the spirit of timm's test_models.py): every model config in configs/*.json,
 * found at test time, × {sorcen, mage} × {float32, bfloat16}. Each case first validates the file at
 * its own size (so an invalid combination in the file fails here, not on someone's long run), then
 * shrinks it to width 16 on a 4×4 grid, keeping every other field of the file, and:
 *
 * <ul>
 *   <li>builds the training graph and runs one step fed with labels: every loss term finite, the
 *       gradient norm finite and positive;
 *   <li>for every trainable variable, the gradient that step applied is finite and not all zero
 *       (read back from the AdamW first moment: after step 0 it is exactly (1 − β1)·g, g being the
 *       clipped gradient of the update), and nothing else is trained: the teacher blocks and the
 *       momentum projector (Sorcen) are EMA variables without optimizer moments; MAGE has neither
 *       teacher nor projector nor predictor;
 *   <li>exports the encoder and generator SavedModels from that step's checkpoint (the inference
 *       graphs restored by variable name) and checks their outputs: embedding [B, D], patch_features
 *       [B, L, D], cls [B, D], all finite; generated tokens [B, L] with ids in [0, C);
 *   <li>with every tokenizer config below, exports the image encoder (pixels → embeddings) and the
 *       image generator (seeds → pixels) from the same checkpoint, checks both with the
 *       SavedModelVerifier (signatures, stock ops, finite encoder outputs) and their outputs:
 *       embedding [B, D] finite from uint8 images [B, H, W, C]; images [B, S, S, C] (the image
 *       generator is run under Sorcen only: its graph does not depend on the method).
 * </ul>
 *
 * Every tokenizer config (configs/tokenizer-*.json) is validated at its own size, then shrunk to a
 * 4×4 grid of the same codebook size C as the models, width at most 16, keeping its down-sampling
 * factor and every other field: one training step with finite metrics and a positive gradient
 * norm, its SavedModel exported and verified, encode giving ids in [0, C) and decode images of its
 * output size. That tokenizer is built once and shared with the image exports of every model case.
 */
class ConfigMatrixTest {
  private static final Path CONFIGS = Path.of("..", "configs");
  private static final String TOKENIZER_PREFIX = "tokenizer-";
  private static final List<String> METHODS = List.of("sorcen", "mage");
  private static final List<String> DTYPES = List.of("float32", "bfloat16");

  private static final int GRID = 4;
  private static final int CODEBOOK = 32;
  private static final int WIDTH = 16;
  private static final int BATCH = 4;

  /** Rows fed to the inference graphs: not the training batch, so a batch baked into a graph shows. */
  private static final int INFERENCE_ROWS = 3;

  private static final double STEPS_PER_EPOCH = 4;

  /** Where the shrunk tokenizers are exported, once per class. */
  @TempDir static Path shared;

  /** A tokenizer config shrunk to the models' grid and codebook, after one step, and its export. */
  record ShrunkTokenizer(TokenizerConfig config, Map<String, Double> step, Path savedModel) {}

  private static final Map<String, ShrunkTokenizer> TOKENIZERS = new HashMap<>();

  /** Every configs/*.json, listed when the test runs. */
  private static List<Path> configFiles() throws IOException {
    try (Stream<Path> files = Files.list(CONFIGS)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  static Stream<Arguments> modelConfigs() throws IOException {
    List<Path> models =
        configFiles().stream()
            .filter(p -> !p.getFileName().toString().startsWith(TOKENIZER_PREFIX))
            .toList();
    assertFalse(models.isEmpty(), "no model config in " + CONFIGS.toAbsolutePath());
    List<Arguments> cases = new ArrayList<>();
    for (Path file : models) {
      for (String method : METHODS) {
        for (String dtype : DTYPES) {
          cases.add(Arguments.of(file.getFileName().toString(), method, dtype));
        }
      }
    }
    return cases.stream();
  }

  static Stream<String> tokenizerConfigs() throws IOException {
    return configFiles().stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith(TOKENIZER_PREFIX));
  }

  @Test
  void theMatrixCoversTheShippedPresets() throws IOException {
    List<String> names = modelConfigs().map(a -> (String) a.get()[0]).distinct().toList();
    assertTrue(
        names.containsAll(
            List.of("sorcen-tiny.json", "sorcen-vit-base.json", "sorcen-vit-large.json")),
        names.toString());
  }

  /**
   * Overrides that shrink a tokenizer config to the models' 4×4 grid and codebook: the image side
   * becomes 4·f (f, the down-sampling, stays, so the number of stages is the file's), the input
   * scales with it (the padding stays), widths are capped at 16.
   */
  static Map<String, String> shrinkTokenizer(TokenizerConfig full) {
    Map<String, String> o = new LinkedHashMap<>();
    int side = GRID * full.downsample;
    o.put("image_size", Integer.toString(side));
    o.put("input_height", Integer.toString(scaledInput(full.inputHeight, full.imageSize, side)));
    o.put("input_width", Integer.toString(scaledInput(full.inputWidth, full.imageSize, side)));
    o.put("codebook_size", Integer.toString(CODEBOOK));
    o.put("code_dim", Integer.toString(Math.min(full.codeDim, WIDTH)));
    o.put(
        "hidden_channels",
        Arrays.toString(Arrays.stream(full.hiddenChannels).map(c -> Math.min(c, WIDTH)).toArray()));
    o.put("train.batch_size", Integer.toString(BATCH));
    return o;
  }

  private static int scaledInput(int input, int imageSize, int side) {
    return Math.max(1, Math.min(side, (int) Math.round((double) input * side / imageSize)));
  }

  /**
   * The shrunk tokenizer of {@code file}: validated at its own size first, then one training step
   * and its SavedModel; built on first use and shared by the tokenizer's own case and the image
   * exports of every model case.
   */
  private static synchronized ShrunkTokenizer tokenizer(String file) throws IOException {
    ShrunkTokenizer done = TOKENIZERS.get(file);
    if (done != null) {
      return done;
    }
    TokenizerConfig full = TokenizerConfig.load(CONFIGS.resolve(file), Map.of());
    TokenizerConfig config = TokenizerConfig.load(CONFIGS.resolve(file), shrinkTokenizer(full));
    Path dir = Files.createDirectories(shared.resolve(file));
    Path prefix = Files.createDirectories(dir.resolve("ckpt")).resolve("tokenizer");
    Map<String, Double> step;
    try (TokenizerTrainingSession s =
        new TokenizerTrainingSession(config, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      step = s.step(images(config.train.batchSize, config, 0).pixels());
      s.save(prefix);
    }
    Path savedModel = dir.resolve("tokenizer");
    TokenizerExport.write(config, prefix, savedModel);
    done = new ShrunkTokenizer(config, step, savedModel);
    TOKENIZERS.put(file, done);
    return done;
  }

  /** {@code n} images of seeded noise at the tokenizer's input size. */
  private static ImageSet images(int n, TokenizerConfig config, long seed) {
    byte[] pixels = new byte[n * config.inputHeight * config.inputWidth * config.channels];
    new Random(seed).nextBytes(pixels);
    return new ImageSet(
        n, config.inputHeight, config.inputWidth, config.channels, pixels, new long[n], List.of());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokenizerConfigs")
  void tokenizerStepAndSavedModel(String file, @TempDir Path tmp) throws IOException {
    ShrunkTokenizer t = tokenizer(file);
    TokenizerConfig config = t.config();
    assertEquals(GRID, config.grid());
    assertEquals(CODEBOOK, config.codebookSize);
    for (Map.Entry<String, Double> e : t.step().entrySet()) {
      assertTrue(Double.isFinite(e.getValue()), e.getKey() + " = " + e.getValue());
    }
    assertTrue(t.step().get("loss") > 0, t.step().toString());
    assertTrue(t.step().get("grad_norm") > 0, t.step().toString());
    assertEquals(
        List.of(),
        SavedModelVerifier.problems(ModelExport.tokenizer(t.savedModel(), tmp, null)),
        "the tokenizer SavedModel of " + file);

    ImageSet images = images(INFERENCE_ROWS, config, 5);
    try (Tokenizer tokenizer = Tokenizer.load(t.savedModel())) {
      long[] ids = tokenizer.encode(images);
      assertEquals((long) INFERENCE_ROWS * config.seqLen(), ids.length);
      for (long id : ids) {
        assertTrue(id >= 0 && id < CODEBOOK, "encoded id " + id + " outside [0, " + CODEBOOK + ")");
      }
      byte[] decoded = tokenizer.decode(ids, INFERENCE_ROWS);
      assertEquals(
          (long) INFERENCE_ROWS * config.imageSize * config.imageSize * config.channels,
          decoded.length);
    }
  }

  /**
   * Overrides that shrink a validated full-size config to width 16 on a 4×4 grid. Only shapes are
   * touched; what depends on the shapes (the crop range, the echo's top-k) is scaled down only when
   * the file sets it. Epochs and warm-ups stay: they only stretch the schedules, one step costs the
   * same, and shrinking them would hide an epochs/warm-up combination the file gets wrong.
   */
  static Map<String, String> shrink(JobConfig full) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("method", full.method);
    o.put("model.compute_dtype", full.model.computeDtype);
    o.put("model.grid", Integer.toString(GRID));
    o.put("model.codebook_size", Integer.toString(CODEBOOK));
    o.put("model.embed_dim", Integer.toString(WIDTH));
    o.put("model.decoder_embed_dim", Integer.toString(WIDTH));
    o.put("model.depth", "1");
    o.put("model.decoder_depth", "1");
    o.put("model.num_heads", "2");
    o.put("model.decoder_num_heads", "2");
    o.put("model.projector_hidden_dim", "32");
    o.put("model.projector_dim", "16");
    o.put("model.predictor_hidden_dim", "32");
    o.put("model.classifier_hidden_dim", "16");
    // The online classifier is exercised in every case: labels are fed, so it must exist.
    o.put(
        "model.num_classes",
        Integer.toString(full.model.numClasses > 0 ? full.model.numClasses : 4));
    o.put("train.batch_size", Integer.toString(BATCH));
    int g = full.model.grid;
    if (full.masking.cropMin != null) {
      o.put("masking.crop_min", Integer.toString(scaled(full.masking.cropMin, g)));
    }
    if (full.masking.cropMax != null) {
      o.put("masking.crop_max", Integer.toString(scaled(full.masking.cropMax, g)));
    }
    if (full.echo.topK + 1 > CODEBOOK) {
      o.put("echo.top_k", Integer.toString(CODEBOOK - 1));
    }
    return o;
  }

  private static int scaled(int side, int grid) {
    return Math.max(1, Math.min(GRID, (int) Math.round((double) side * GRID / grid)));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("modelConfigs")
  void oneStepAndTheInferenceGraphs(String file, String method, String dtype, @TempDir Path tmp)
      throws IOException {
    // The file at its own size first: an invalid combination there fails even if the tiny shapes
    // would not.
    JobConfig full =
        JobConfig.load(
            CONFIGS.resolve(file), Map.of("method", method, "model.compute_dtype", dtype));
    JobConfig config = JobConfig.load(CONFIGS.resolve(file), shrink(full));
    assertEquals(method, config.method);
    assertEquals(dtype, config.model.computeDtype);
    int l = config.model.seqLen();
    int c = config.model.codebookSize;
    int d = config.model.embedDim;

    Path prefix = tmp.resolve("ckpt");
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      StepMetrics m =
          s.step(TinyConfigs.tokens(BATCH, l, c, 0), labels(BATCH, config.model.numClasses));
      assertEquals(0, m.step());
      for (Map.Entry<String, Double> e : m.values().entrySet()) {
        if (e.getKey().startsWith("loss/")) {
          assertTrue(Double.isFinite(e.getValue()), e.getKey() + " = " + e.getValue());
        }
      }
      assertTrue(m.totalLoss() > 0, "loss/total = " + m.totalLoss());
      assertTrue(m.get("loss/classifier") > 0, "the classifier was fed labels: " + m.values());
      if (config.isSorcen()) {
        assertTrue(
            m.get("loss/contrastive") != 0 && m.get("loss/uniformity") != 0, m.values().toString());
      } else {
        assertEquals(0.0, m.get("loss/contrastive"));
        assertEquals(0.0, m.get("loss/uniformity"));
      }
      double norm = m.get("grad_norm");
      assertTrue(Double.isFinite(norm) && norm > 0, "grad_norm = " + norm);
      checkRoles(s.graph().variables(), config);
      checkGradients(s, config);
      s.save(prefix);
    }
    checkEncoder(ModelExport.encoder(config, prefix, tmp.resolve("savedmodels"), null), l, c, d);
    checkGenerator(ModelExport.generator(config, prefix, tmp.resolve("savedmodels"), null), l, c);
    for (String tokenizerFile : tokenizerConfigs().toList()) {
      ShrunkTokenizer t = tokenizer(tokenizerFile);
      VqTokenizer vq = new VqTokenizer(t.config());
      Path root = tmp.resolve("with-" + tokenizerFile);
      checkImageEncoder(
          ModelExport.imageEncoder(config, prefix, vq, t.savedModel(), root, null), t.config(), d);
      checkImageGenerator(
          ModelExport.imageGenerator(config, prefix, vq, t.savedModel(), root, null),
          t.config(),
          config.isSorcen());
    }
  }

  private static long[] labels(int batch, int numClasses) {
    long[] out = new long[batch];
    for (int r = 0; r < batch; r++) {
      out[r] = r % numClasses;
    }
    return out;
  }

  /**
   * Sorcen's teacher blocks move by EMA only, its momentum projector by EMA and AdamW under the
   * official rule (EMA only under "ema"); MAGE has no teacher, projector or predictor.
   */
  private static void checkRoles(Variables vars, JobConfig config) {
    List<String> teacher = new ArrayList<>();
    for (ModelVariable v : vars.all()) {
      String n = v.name();
      if (v.role() == VariableRole.OPTIMIZER) {
        continue; // moments are named after their variable; checked below with it
      }
      boolean isTeacher =
          n.startsWith(Encoder.TEACHER_BLOCKS + ".")
              || n.startsWith(SorcenVariables.MOMENTUM_PROJECTOR + ".");
      boolean isHead =
          n.startsWith(SorcenVariables.PROJECTOR + ".")
              || n.startsWith(SorcenVariables.PREDICTOR + ".");
      if (!config.isSorcen()) {
        assertFalse(isTeacher || isHead, "MAGE has no teacher, projector or predictor: " + n);
      } else if (isTeacher) {
        teacher.add(n);
        // The official momentum projector follows the EMA and is trained (ALGORITHM.md §5); the
        // teacher blocks only follow the EMA.
        boolean trainedProjector =
            n.startsWith(SorcenVariables.MOMENTUM_PROJECTOR + ".")
                && config.ema.momentumProjectorTrained();
        VariableRole role = trainedProjector ? VariableRole.EMA_AND_TRAINABLE : VariableRole.EMA;
        assertTrue(v.role() == role || v.role() == VariableRole.STATISTIC, n + " is " + v.role());
        assertEquals(
            v.role() == VariableRole.EMA_AND_TRAINABLE,
            vars.contains(n + "/adam_m"),
            n + " has optimizer moments exactly when trained");
      }
      if (v.role().followsEma()) {
        assertTrue(config.isSorcen() && isTeacher, "EMA variable outside the teacher: " + n);
      }
    }
    if (config.isSorcen()) {
      assertTrue(
          teacher.stream().anyMatch(n -> n.startsWith(Encoder.TEACHER_BLOCKS + "."))
              && teacher.stream()
                  .anyMatch(n -> n.startsWith(SorcenVariables.MOMENTUM_PROJECTOR + ".")),
          teacher.toString());
    }
    assertTrue(
        vars.all().stream()
            .anyMatch(
                v ->
                    v.name().startsWith(SorcenVariables.CLASSIFIER + ".")
                        && v.role() == VariableRole.TRAINABLE),
        "no trainable online classifier");
  }

  /**
   * The gradient of step 0 for every trainable variable, read back as its AdamW first moment
   * m = β1·0 + (1 − β1)·g: finite everywhere and not zero everywhere. A variable the loss does not
   * reach (a broken wiring, a stray stop-gradient, a bfloat16 cast that cuts the path) shows as all
   * zeros; a variable missing from the optimizer has no moment at all. No exception is needed: with
   * labels fed, every trainable variable (the online classifier included) gets a gradient in one step.
   * A variable with no path from the loss at all fails earlier, in TrainingGraph.build: TensorFlow
   * returns no gradient for it, which today surfaces as "close() was called on the Graph" from
   * GradientClipping rather than as a message naming the variable.
   */
  private static void checkGradients(TrainingSession s, JobConfig config) {
    Variables vars = s.graph().variables();
    List<ModelVariable> trainable = vars.withRole(VariableRole.TRAINABLE);
    assertFalse(trainable.isEmpty());
    List<String> moments = new ArrayList<>();
    for (ModelVariable v : trainable) {
      assertTrue(vars.contains(v.name() + "/adam_m"), v.name() + " is trainable but not optimized");
      moments.add(v.name() + "/adam_m");
    }
    Map<String, float[]> m = s.read(moments);
    List<String> zero = new ArrayList<>();
    List<String> nonFinite = new ArrayList<>();
    for (ModelVariable v : trainable) {
      float[] g = m.get(v.name() + "/adam_m");
      boolean anyNonZero = false;
      boolean allFinite = true;
      for (float x : g) {
        anyNonZero |= x != 0f;
        allFinite &= Float.isFinite(x);
      }
      if (!allFinite) {
        nonFinite.add(v.name());
      } else if (!anyNonZero) {
        zero.add(v.name());
      }
    }
    String label =
        " (" + config.name + ", " + config.method + ", " + config.model.computeDtype + "): ";
    assertTrue(nonFinite.isEmpty(), "non-finite gradients" + label + nonFinite);
    assertTrue(zero.isEmpty(), "all-zero gradients" + label + zero);
  }

  private static void checkEncoder(Path dir, int l, int c, int d) {
    long[] ids = TinyConfigs.tokens(INFERENCE_ROWS, l, c, 5);
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), ModelExport.TAG);
        TInt64 t = Tensors.longs(ids, INFERENCE_ROWS, l)) {
      try (Result r = b.function("serving_default").call(Map.of("tokens", t))) {
        checkFloats(r.get("embedding").orElseThrow(), "embedding", INFERENCE_ROWS, d);
      }
      try (Result r = b.function("features").call(Map.of("tokens", t))) {
        checkFloats(r.get("patch_features").orElseThrow(), "patch_features", INFERENCE_ROWS, l, d);
        checkFloats(r.get("cls").orElseThrow(), "cls", INFERENCE_ROWS, d);
      }
    }
  }

  private static void checkFloats(Tensor t, String name, long... shape) {
    assertEquals(Shape.of(shape), t.shape(), name);
    for (float x : Tensors.toFloats(t)) {
      assertTrue(Float.isFinite(x), name + " has " + x);
    }
  }

  /** The serving signature only: inpaint is the same decoder on other inputs, and each first call costs seconds. */
  private static void checkGenerator(Path dir, int l, int c) {
    long[] seeds = {0, 1, 7}; // INFERENCE_ROWS of them
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), ModelExport.TAG);
        TInt64 s = Tensors.longs(seeds, seeds.length);
        TFloat32 temperature = TFloat32.scalarOf(4.5f);
        TInt32 steps = TInt32.scalarOf(4);
        Result r =
            b.function("serving_default")
                .call(Map.of("seeds", s, "temperature", temperature, "num_iter", steps))) {
      checkIds(r.get("tokens").orElseThrow(), "generated tokens", seeds.length, l, c);
    }
  }

  private static void checkImageEncoder(Path dir, TokenizerConfig tokenizer, int d) {
    assertEquals(List.of(), SavedModelVerifier.problems(dir), "image encoder " + dir);
    ImageSet images = images(INFERENCE_ROWS, tokenizer, 7);
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), ModelExport.TAG);
        TUint8 t =
            TUint8.tensorOf(
                Shape.of(
                    INFERENCE_ROWS,
                    tokenizer.inputHeight,
                    tokenizer.inputWidth,
                    tokenizer.channels),
                DataBuffers.of(images.pixels(), true, false));
        Result r = b.function("serving_default").call(Map.of("images", t))) {
      checkFloats(r.get("embedding").orElseThrow(), "image embedding", INFERENCE_ROWS, d);
    }
  }

  /**
   * Verified in every case; run only when {@code run}: the graph and the variables it restores are
   * the same under both methods (SorcenVariables.declareGenerator), and each first call of its
   * decoding loop costs seconds.
   */
  private static void checkImageGenerator(Path dir, TokenizerConfig tokenizer, boolean run) {
    assertEquals(List.of(), SavedModelVerifier.problems(dir), "image generator " + dir);
    if (!run) {
      return;
    }
    long[] seeds = {2, 3, 5}; // INFERENCE_ROWS of them
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), ModelExport.TAG);
        TInt64 s = Tensors.longs(seeds, seeds.length);
        TFloat32 temperature = TFloat32.scalarOf(4.5f);
        TInt32 steps = TInt32.scalarOf(4);
        Result r =
            b.function("serving_default")
                .call(Map.of("seeds", s, "temperature", temperature, "num_iter", steps))) {
      Tensor images = r.get("images").orElseThrow();
      assertEquals(
          Shape.of(seeds.length, tokenizer.imageSize, tokenizer.imageSize, tokenizer.channels),
          images.shape(),
          "generated images");
    }
  }

  private static void checkIds(Tensor t, String name, int rows, int l, int c) {
    assertEquals(Shape.of(rows, l), t.shape(), name);
    long[] ids = Tensors.toLongs(t);
    for (long id : ids) {
      assertTrue(id >= 0 && id < c, name + " has id " + id + " outside [0, " + c + ")");
    }
  }
}

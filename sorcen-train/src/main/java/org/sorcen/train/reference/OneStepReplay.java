package org.sorcen.train.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ForwardResult;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.train.StepInputs;
import org.sorcen.graph.train.TrainingGraph;
import org.sorcen.graph.weights.OfficialStateDict;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.session.Tensors;
import org.sorcen.train.session.WeightLoading;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Replays one official training step recorded in a one-step fixture (data/reference/README.md):
 * the weights before the step loaded, AdamW at step 0, the fixture's masks and echo fed (for an
 * official MAGE step from raw images: its images and crop boxes fed, the crops tokenized in the
 * step by the frozen VQGAN the fixture names, the ids compared with the official ones), dropout
 * off, and the lr, β, AdamW betas/eps, weight decay and clipping of its {@code __metadata__.step}
 * (so any shape, seed, epoch or clip the official code ran with replays). Every {@code after.*}
 * tensor, the losses and the gradient norm must match to {@link #MAX_RELATIVE} in
 * ‖ours − official‖ / ‖official‖.
 */
public final class OneStepReplay {
  public static final double MAX_RELATIVE = 1e-5;

  /**
   * An official gradient within this many AdamW eps of zero: Adam's first step lr·g/(|g| + eps)
   * hangs on digits float32 does not have (PyTorch in float32 misses 1e-5 there too).
   */
  static final double FEW_EPS = 4;

  /**
   * float32's rounding of the gradient sums, relative to the largest first moment: an official first
   * moment below it (an exact zero, e.g. a bias right before a BatchNorm, or a gradient of 1e-7 of
   * the largest, as in the official MAGE step) has no direction float32 can resolve, and ours is held
   * to within it.
   */
  static final double ROUNDING = 1e-6;

  /** One compared tensor: relative error over its resolvable elements; a problem fails it. */
  public record Row(String name, String group, double relative, int vanishing, String problem) {
    public boolean passed() {
      return problem == null && relative <= MAX_RELATIVE;
    }
  }

  /** Rows by tensor; what our graph trains and decays, against the fixture's lists; what was not compared. */
  public record Report(
      double lr,
      double beta,
      List<Row> rows,
      Set<String> stepped,
      Set<String> officialStepped,
      Map<String, Boolean> decays,
      Set<String> officialDecayed,
      List<String> notCompared) {
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      if (!stepped.equals(officialStepped)) {
        out.add(
            "the graph trains "
                + diff(stepped, officialStepped)
                + ", the official step "
                + diff(officialStepped, stepped));
      }
      decays.forEach(
          (n, d) -> {
            if (d != officialDecayed.contains(n)) {
              out.add("weight decay of " + n + ": ours " + d + ", official " + !d);
            }
          });
      if (!notCompared.isEmpty()) {
        out.add("not compared (the graph has no such tensor): " + notCompared);
      }
      return out;
    }

    public boolean passed() {
      return !rows.isEmpty() && rows.stream().allMatch(Row::passed) && problems().isEmpty();
    }

    /** Rows by group, in the order groups first appear. */
    public Map<String, List<Row>> groups() {
      Map<String, List<Row>> out = new LinkedHashMap<>();
      rows.forEach(r -> out.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r));
      return out;
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
      Set<String> out = new TreeSet<>(a);
      out.removeAll(b);
      return out;
    }
  }

  private OneStepReplay() {}

  /** A fixture of one official training step (it records the step in {@code __metadata__.step}). */
  public static boolean isOneStep(Safetensors file) {
    return file.metadata().containsKey("step");
  }

  public static JsonNode stepMetadata(Safetensors file) {
    try {
      return new ObjectMapper().readTree(file.metadata().get("step"));
    } catch (IOException e) {
      throw new WeightsException(file.file() + ": __metadata__.step is not JSON");
    }
  }

  /** Replays the fixture's step with the momentum projector rule {@code momentumProjector} (EmaConfig). */
  public static Report run(Path fixture, String momentumProjector) {
    Safetensors file = Safetensors.read(fixture);
    FixtureInputs in = FixtureInputs.read(file);
    JsonNode meta = stepMetadata(file);
    SorcenConfig config = stepConfig(file, in, meta, momentumProjector);
    in.checkIds(config.model, fixture.toString());
    float lr = (float) number(file, meta, "lr");
    float beta = (float) number(file, meta, "beta");
    int b = in.batch();
    int l = config.model.seqLen();
    try (FixtureImages images = FixtureImages.present(file) ? FixtureImages.read(file) : null;
        Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Shape grid = Shape.of(-1, l);
      Placeholder<TInt64> tokens = tf.placeholder(TInt64.class, Placeholder.shape(grid));
      Placeholder<TInt64> labels = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TBool> dropped = tf.placeholder(TBool.class, Placeholder.shape(grid));
      Placeholder<TBool> masked = tf.placeholder(TBool.class, Placeholder.shape(grid));
      Placeholder<TInt64> echo = tf.placeholder(TInt64.class, Placeholder.shape(grid));
      // A fresh graph's optimizer is at step 0 (t = 1 in the bias corrections), as the fixture's.
      TrainingGraph t;
      OnlineImages online = null;
      if (images == null) {
        t =
            TrainingGraph.build(
                tf, config, tokens, labels, 1, StepInputs.fed(dropped, masked, echo));
      } else {
        // Official MAGE's step from raw images: the fed crops tokenized by the frozen VQGAN inside
        // the step.
        online = OnlineImages.build(tf, images, config.train.cropInterpolation);
        t =
            TrainingGraph.buildOnImages(
                tf,
                config,
                online.tokenizer(),
                online.images(),
                labels,
                1,
                StepInputs.fed(dropped, masked, echo, online.crops()),
                CrossReplica.single());
      }
      Map<String, Operand<TFloat32>> after = new LinkedHashMap<>();
      for (String n :
          file.entries().keySet().stream().filter(n -> t.variables().contains(n)).toList()) {
        after.put("after." + n, t.variables().get(n).read(tf));
        if (t.variables().contains(n + "/adam_m")) {
          after.put("after." + n + ".exp_avg", t.variables().get(n + "/adam_m").read(tf));
          after.put("after." + n + ".exp_avg_sq", t.variables().get(n + "/adam_v").read(tf));
        }
      }
      s.initialize();
      if (online != null) {
        online.load(s, images);
      }
      WeightLoading.load(tf, s, OfficialStateDict.plan(t.variables(), file), file);

      ForwardResult f = t.forward();
      Map<String, Operand<TFloat32>> scalars = new LinkedHashMap<>();
      scalars.put("step.loss_reconstruction", f.lossReconstruction());
      scalars.put("step.loss_uniformity", f.lossUniformity());
      scalars.put("step.loss_contrastive", f.lossContrastive());
      scalars.put("step.loss_classifier", f.lossClassifier());
      scalars.put("step.loss_total", f.lossTotal());
      scalars.put("step.grad_norm", t.gradientNorm());
      List<Row> rows = new ArrayList<>();
      try (Tensor tt = Tensors.longs(in.tokens(), b, l);
          Tensor tl = Tensors.longs(in.labels(), b);
          Tensor td = Tensors.bools(in.dropped(), b, l);
          Tensor tm = Tensors.bools(in.masked(), b, l);
          Tensor te = Tensors.longs(in.echo(), b, l);
          Tensor tlr = Tensors.floats(new float[] {lr});
          Tensor tbeta = Tensors.floats(new float[] {beta})) {
        Session.Runner run =
            s.runner()
                .feed(labels, tl)
                .feed(dropped, td)
                .feed(masked, tm)
                .feed(echo, te)
                .feed(t.schedules().learningRate(), tlr)
                .feed(t.schedules().momentum(), tbeta);
        List<Tensor> imageFeeds = online != null ? online.feed(run, images) : List.of();
        if (online == null) {
          run.feed(tokens, tt);
        }
        scalars.values().forEach(run::fetch);
        if (online != null) {
          run.fetch(t.tokens()); // the ids made in the step; a fed placeholder cannot be fetched
        }
        try (Result r = run.addTarget(t.trainOp()).run()) {
          int i = 0;
          for (String name : scalars.keySet()) {
            String group =
                name.equals("step.grad_norm") ? "gradient norm (before clipping)" : "losses";
            rows.add(
                new Row(
                    name,
                    group,
                    relative(Tensors.toFloats(r.get(i++)), file.floats(name), null),
                    0,
                    null));
          }
          if (online != null) {
            rows.add(OnlineImages.tokensRow(Tensors.toLongs(r.get(i)), in.tokens()));
          }
        } finally {
          imageFeeds.forEach(Tensor::close);
        }
      }
      Map<String, float[]> got = new LinkedHashMap<>();
      Session.Runner reads = s.runner();
      after.values().forEach(reads::fetch);
      try (Result r = reads.run()) {
        int i = 0;
        for (String name : after.keySet()) {
          got.put(name, Tensors.toFloats(r.get(i++)));
        }
      }
      Set<String> officialStepped = names(file, meta, "stepped");
      rows.addAll(compareAfter(file::floats, got, lr, meta, officialStepped));
      Set<String> stepped = new TreeSet<>();
      Map<String, Boolean> decays = new LinkedHashMap<>();
      for (ModelVariable v : t.variables().all()) {
        if (v.role().trained()) {
          stepped.add(v.name());
          decays.put(v.name(), v.decays());
        }
      }
      List<String> missing =
          file.entries().keySet().stream()
              .filter(n -> n.startsWith("after.") && !got.containsKey(n))
              .toList();
      return new Report(
          lr,
          beta,
          rows,
          stepped,
          officialStepped,
          decays,
          names(file, meta, "weight_decay_params"),
          missing);
    }
  }

  /** The fixture's model config with the optimizer of its recorded step; dropout off. */
  static SorcenConfig stepConfig(
      Safetensors file, FixtureInputs in, JsonNode meta, String momentumProjector) {
    SorcenConfig config = FixtureConfig.from(file, in.droppedPerRow(file.file().toString()));
    config.ema.momentumProjector = momentumProjector;
    config.train.batchSize = in.batch();
    // The step's lr is fed; blr only has to be valid. peakLr(batch) = the recorded lr.
    config.optimizer.blr = number(file, meta, "lr") * 256.0 / in.batch();
    config.optimizer.beta1 = meta.path("betas").path(0).asDouble(Double.NaN);
    config.optimizer.beta2 = meta.path("betas").path(1).asDouble(Double.NaN);
    config.optimizer.eps = number(file, meta, "eps");
    config.optimizer.weightDecay = number(file, meta, "weight_decay");
    // The official loop passes args.grad_clip = None for no clipping; 0 is our "off".
    config.optimizer.clipGradNorm =
        meta.path("grad_clip").isNull() ? 0 : number(file, meta, "grad_clip");
    config.model.dropout = 0;
    if (Double.isNaN(config.optimizer.beta1) || Double.isNaN(config.optimizer.beta2)) {
      throw new WeightsException(file.file() + ": __metadata__.step has no 'betas' pair");
    }
    // The scalar tensor and the metadata are written from the same value: a mismatch is a broken
    // file.
    if (file.entries().containsKey("step.lr")
        && file.floats("step.lr")[0] != (float) number(file, meta, "lr")) {
      throw new WeightsException(file.file() + ": step.lr disagrees with __metadata__.step's lr");
    }
    return config.validated();
  }

  private static double number(Safetensors file, JsonNode meta, String key) {
    if (!meta.path(key).isNumber()) {
      throw new WeightsException(file.file() + ": __metadata__.step has no number '" + key + "'");
    }
    return meta.get(key).asDouble();
  }

  static Set<String> names(Safetensors file, JsonNode meta, String key) {
    if (!meta.path(key).isArray()) {
      throw new WeightsException(file.file() + ": __metadata__.step has no list '" + key + "'");
    }
    Set<String> out = new TreeSet<>();
    meta.get(key).forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Compares every {@code after.*} tensor. Where the official gradient vanishes (a first moment
   * below {@link #ROUNDING} of the largest: a bias right before a BatchNorm, the key part of a qkv
   * bias, a gradient float32 cannot resolve) or is within {@link #FEW_EPS} AdamW eps of zero, float32 cannot resolve Adam's first
   * step, which turns any such gradient into a step of up to lr. Those elements are held to that
   * bound instead: the parameter within lr·(1 + {@link #MAX_RELATIVE}) plus the official step of
   * the official one, our first moment within {@link #ROUNDING} of the largest; every other element
   * is in the per-tensor ‖a − b‖/‖b‖.
   */
  static List<Row> compareAfter(
      Function<String, float[]> official,
      Map<String, float[]> got,
      float lr,
      JsonNode meta,
      Set<String> officialStepped) {
    double beta1 = meta.get("betas").get(0).asDouble();
    double beta2 = meta.get("betas").get(1).asDouble();
    double eps = meta.get("eps").asDouble();
    double largest = 0;
    for (String name : got.keySet()) {
      if (name.endsWith(".exp_avg")) {
        for (float v : official.apply(name)) {
          largest = Math.max(largest, Math.abs(v));
        }
      }
    }
    double noise = ROUNDING * largest;
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, float[]> e : got.entrySet()) {
      String name = e.getKey();
      String param = name.replaceAll("\\.exp_avg(_sq)?$", "");
      float[] expected = official.apply(name);
      float[] actual = e.getValue();
      if (expected.length != actual.length) {
        rows.add(
            new Row(
                name,
                group(name, officialStepped),
                Double.NaN,
                0,
                "size " + actual.length + " but official " + expected.length));
        continue;
      }
      boolean[] skip = new boolean[expected.length];
      int n = 0;
      String problem = null;
      if (got.containsKey(param + ".exp_avg")) {
        float[] m = official.apply(param + ".exp_avg");
        float[] v = official.apply(param + ".exp_avg_sq");
        for (int i = 0; i < expected.length; i++) {
          double gradient = m[i] / (1 - beta1);
          if (Math.abs(m[i]) >= noise && Math.abs(gradient) >= FEW_EPS * eps) {
            continue;
          }
          skip[i] = true;
          n++;
          // First step: exp_avg = (1−β1)·g, exp_avg_sq = (1−β2)·g² = k·exp_avg², k =
          // (1−β2)/(1−β1)².
          double k = (1 - beta2) / ((1 - beta1) * (1 - beta1));
          double officialStep =
              lr * Math.abs(m[i] / (1 - beta1)) / (Math.sqrt(v[i] / (1 - beta2)) + eps);
          double bound =
              name.endsWith(".exp_avg_sq")
                  ? k * noise * (2 * Math.abs(m[i]) + noise) * (1 + MAX_RELATIVE)
                  : name.endsWith(".exp_avg") ? noise : lr * (1 + MAX_RELATIVE) + officialStep;
          double diff = Math.abs((double) actual[i] - expected[i]);
          if (!(diff <= bound) && problem == null) {
            problem =
                "["
                    + i
                    + "]: official gradient "
                    + gradient
                    + " vanishes; off by "
                    + diff
                    + " > "
                    + bound;
          }
        }
      }
      rows.add(
          new Row(
              name, group(name, officialStepped), relative(actual, expected, skip), n, problem));
    }
    return rows;
  }

  private static String group(String name, Set<String> officialStepped) {
    if (name.endsWith(".exp_avg")) {
      return "AdamW exp_avg";
    }
    if (name.endsWith(".exp_avg_sq")) {
      return "AdamW exp_avg_sq";
    }
    return officialStepped.contains(name.substring("after.".length()))
        ? "trained weights after the step"
        : "teacher (EMA) and BatchNorm statistics after the step";
  }

  /** ‖a − b‖ / ‖b‖ (or ‖a − b‖ when b is 0) in double, over the elements not skipped (null: all). */
  static double relative(float[] actual, float[] expected, boolean[] skip) {
    if (actual.length != expected.length) {
      return Double.NaN;
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      if (skip != null && skip[i]) {
        continue;
      }
      double d = (double) actual[i] - expected[i];
      diff += d * d;
      norm += (double) expected[i] * expected[i];
    }
    return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
  }
}

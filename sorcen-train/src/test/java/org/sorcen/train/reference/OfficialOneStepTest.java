package org.sorcen.train.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.EmaConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ForwardResult;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableFeeds;
import org.sorcen.graph.train.Schedules;
import org.sorcen.graph.train.StepInputs;
import org.sorcen.graph.train.TrainingGraph;
import org.sorcen.graph.weights.OfficialStateDict;
import org.sorcen.graph.weights.Safetensors;
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
 * One training step of our graph against one step of the official code
 * (data/reference/official-one-step-tiny.safetensors, data/reference/README.md): the fixture's
 * weights before the step, zero AdamW moments at step 0, its masks and echo fed, dropout off, and
 * the lr and β our schedules give at the fixture's epoch. Every weight after the step and AdamW's
 * moments must match the official ones to {@link #MAX_RELATIVE} in ‖ours − official‖ / ‖official‖
 * per tensor; the losses and the gradient norm to the same relative error.
 */
class OfficialOneStepTest {
  static final double MAX_RELATIVE = 1e-5;

  static Path fixture() {
    return ReferenceCheckTest.fixture().getParent().resolve("official-one-step-tiny.safetensors");
  }

  /** Relative error of every compared tensor and scalar, by name. */
  record Step(Map<String, Double> errors, Set<String> stepped, Map<String, Boolean> decays,
      Map<String, Integer> vanishing, List<String> notCompared) {
    String worst() {
      return errors.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey() + " " + e.getValue())
          .orElse("none");
    }
  }

  @Test
  void theOfficialRuleReproducesTheOfficialStep() throws Exception {
    Step step = replay(EmaConfig.TRAINED);
    System.out.println("official one step, momentum projector trained: worst ‖a−b‖/‖b‖ = " + step.worst());
    System.out.println("elements with a vanishing official gradient, checked against one Adam step: "
        + step.vanishing());
    JsonNode meta = stepMetadata(Safetensors.read(fixture()));
    assertEquals(List.of(), step.notCompared(), "fixture tensors not compared");
    assertEquals(names(meta, "stepped"), step.stepped(), "the parameters AdamW steps");
    Set<String> decayed = names(meta, "weight_decay_params");
    step.decays().forEach((name, decays) -> assertEquals(decayed.contains(name), decays, "weight decay of " + name));
    for (Map.Entry<String, Double> e : step.errors().entrySet()) {
      assertTrue(e.getValue() <= MAX_RELATIVE, e.getKey() + ": relative error " + e.getValue());
    }
  }

  /** The EMA-only rule leaves the momentum projector where the EMA put it: the step no longer matches. */
  @Test
  void theEmaOnlyRuleDoesNotReproduceIt() throws Exception {
    Step step = replay(EmaConfig.EMA_ONLY);
    System.out.println("official one step, momentum projector EMA only: worst ‖a−b‖/‖b‖ = " + step.worst());
    assertFalse(step.stepped().stream().anyMatch(n -> n.startsWith("momentum_projector.")));
    // It has no AdamW moments for the momentum projector to compare, and nothing else is missing.
    assertTrue(!step.notCompared().isEmpty()
        && step.notCompared().stream().allMatch(n -> n.startsWith("after.momentum_projector.")), step.notCompared()
        .toString());
    double worst = step.errors().entrySet().stream().filter(e -> e.getKey().startsWith("after.momentum_projector."))
        .mapToDouble(Map.Entry::getValue).max().orElseThrow();
    assertTrue(worst > 100 * MAX_RELATIVE, "momentum projector error " + worst);
  }

  static Step replay(String momentumProjector) throws Exception {
    Safetensors file = Safetensors.read(fixture());
    FixtureInputs in = FixtureInputs.read(file);
    JsonNode meta = stepMetadata(file);
    SorcenConfig config = officialStepConfig(file, in, meta, momentumProjector);
    int b = in.batch();
    int l = config.model.seqLen();
    double stepsPerEpoch = 1;

    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Shape grid = Shape.of(-1, l);
      Placeholder<TInt64> tokens = tf.placeholder(TInt64.class, Placeholder.shape(grid));
      Placeholder<TInt64> labels = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Placeholder<TBool> dropped = tf.placeholder(TBool.class, Placeholder.shape(grid));
      Placeholder<TBool> masked = tf.placeholder(TBool.class, Placeholder.shape(grid));
      Placeholder<TInt64> echo = tf.placeholder(TInt64.class, Placeholder.shape(grid));
      TrainingGraph t = TrainingGraph.build(tf, config, tokens, labels, stepsPerEpoch,
          StepInputs.fed(dropped, masked, echo));
      // The fixture's optimizer is at step 0 (t = 1 in the bias corrections) but its schedules at
      // epoch 100: our schedules evaluated at that epoch give the lr and β fed to the step.
      long scheduleStep = Math.round(meta.get("epoch").asDouble() * stepsPerEpoch);
      Schedules atEpoch = new Schedules(tf, config, tf.constant(scheduleStep), stepsPerEpoch);
      Map<String, Operand<TFloat32>> after = new LinkedHashMap<>();
      List<String> weights = file.entries().keySet().stream().filter(n -> t.variables().contains(n)).toList();
      for (String n : weights) {
        after.put("after." + n, t.variables().get(n).read(tf));
        if (t.variables().contains(n + "/adam_m")) {
          after.put("after." + n + ".exp_avg", t.variables().get(n + "/adam_m").read(tf));
          after.put("after." + n + ".exp_avg_sq", t.variables().get(n + "/adam_v").read(tf));
        }
      }

      s.initialize();
      List<OfficialStateDict.Assignment> plan = OfficialStateDict.plan(t.variables(), file);
      VariableFeeds feeds = VariableFeeds.build(tf, plan.stream().map(OfficialStateDict.Assignment::variable).toList());
      WeightLoading.load(s, feeds, plan, file);

      Map<String, Double> errors = new LinkedHashMap<>();
      Map<String, Integer> vanishing = new LinkedHashMap<>();
      float lr;
      float beta;
      try (Result r = s.runner().fetch(atEpoch.learningRate()).fetch(atEpoch.momentum()).run()) {
        lr = Tensors.scalar(r.get(0));
        beta = Tensors.scalar(r.get(1));
      }
      errors.put("step.lr", relative(new float[] {lr}, file.floats("step.lr")));
      errors.put("step.beta", relative(new float[] {beta}, file.floats("step.beta")));

      ForwardResult f = t.forward();
      Map<String, Operand<TFloat32>> scalars = new LinkedHashMap<>();
      scalars.put("step.loss_reconstruction", f.lossReconstruction());
      scalars.put("step.loss_uniformity", f.lossUniformity());
      scalars.put("step.loss_contrastive", f.lossContrastive());
      scalars.put("step.loss_classifier", f.lossClassifier());
      scalars.put("step.loss_total", f.lossTotal());
      scalars.put("step.grad_norm", t.gradientNorm());
      try (Tensor tt = Tensors.longs(in.tokens(), b, l);
          Tensor tl = Tensors.longs(in.labels(), b);
          Tensor td = Tensors.bools(in.dropped(), b, l);
          Tensor tm = Tensors.bools(in.masked(), b, l);
          Tensor te = Tensors.longs(in.echo(), b, l);
          Tensor tlr = Tensors.floats(new float[] {lr});
          Tensor tbeta = Tensors.floats(new float[] {beta})) {
        Session.Runner run = s.runner().feed(tokens, tt).feed(labels, tl).feed(dropped, td).feed(masked, tm)
            .feed(echo, te).feed(t.schedules().learningRate(), tlr).feed(t.schedules().momentum(), tbeta);
        scalars.values().forEach(run::fetch);
        try (Result r = run.addTarget(t.trainOp()).run()) {
          int i = 0;
          for (String name : scalars.keySet()) {
            errors.put(name, relative(Tensors.toFloats(r.get(i++)), file.floats(name)));
          }
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
      compareAfter(file, got, lr, errors, vanishing);
      Set<String> stepped = new TreeSet<>();
      Map<String, Boolean> decays = new LinkedHashMap<>();
      for (ModelVariable v : t.variables().all()) {
        if (v.role().trained()) {
          stepped.add(v.name());
          decays.put(v.name(), v.decays());
        }
      }
      List<String> missing = new ArrayList<>();
      file.entries().keySet().stream().filter(n -> n.startsWith("after.") && !errors.containsKey(n))
          .forEach(missing::add);
      return new Step(errors, stepped, decays, vanishing, missing);
    }
  }

  /**
   * The fixture's model config plus the official run's optimizer and schedules, from
   * {@code __metadata__.step}: the peak lr is the fixture's args.lr = blr·batch/256, the β schedule
   * runs over the official code's hard-wired 1600 epochs, dropout is off.
   */
  static SorcenConfig officialStepConfig(Safetensors file, FixtureInputs in, JsonNode meta, String momentumProjector) {
    SorcenConfig config = FixtureConfig.from(file, in.droppedPerRow(file.file().toString()));
    JsonNode args = meta;
    config.ema.momentumProjector = momentumProjector;
    config.train.epochs = args.get("beta_schedule_epochs").asDouble();
    config.train.batchSize = in.batch();
    config.optimizer.blr = PEAK_LR * 256.0 / in.batch();
    config.optimizer.warmupEpochs = WARMUP_EPOCHS;
    config.optimizer.minLr = 0;
    config.optimizer.beta1 = args.get("betas").get(0).asDouble();
    config.optimizer.beta2 = args.get("betas").get(1).asDouble();
    config.optimizer.eps = args.get("eps").asDouble();
    config.optimizer.weightDecay = args.get("weight_decay").asDouble();
    config.optimizer.clipGradNorm = args.get("grad_clip").asDouble();
    config.model.dropout = 0;
    return config.validated();
  }

  /** tools/official-fixtures/make_fixtures.py: args.lr and args.warmup_epochs of the official step. */
  static final double PEAK_LR = 0.02;
  static final double WARMUP_EPOCHS = 40;

  static JsonNode stepMetadata(Safetensors file) throws Exception {
    return new ObjectMapper().readTree(file.metadata().get("step"));
  }

  static Set<String> names(JsonNode meta, String key) {
    Set<String> out = new TreeSet<>();
    meta.get(key).forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Compares every {@code after.*} tensor. Some gradients are zero in exact arithmetic (a bias right
   * before a BatchNorm, the key part of a qkv bias: softmax ignores a shift of the keys); the
   * official float64 step has them at ~1e-17, float32 leaves ~1e-9 of rounding, and Adam's first
   * step turns any nonzero gradient into a step of about lr. Those elements, where the official
   * first moment is below {@link #VANISHING} of its largest one, are checked against that bound
   * instead: the parameter within lr·(1 + {@link #MAX_RELATIVE}) of the official one and our first
   * moment below {@link #ROUNDING} of the largest; every other element is in the per-tensor
   * ‖a − b‖/‖b‖.
   */
  static void compareAfter(Safetensors file, Map<String, float[]> got, float lr, Map<String, Double> errors,
      Map<String, Integer> vanishing) {
    double largest = 0;
    for (String name : got.keySet()) {
      if (name.endsWith(".exp_avg")) {
        for (float v : file.floats(name)) {
          largest = Math.max(largest, Math.abs(v));
        }
      }
    }
    double threshold = VANISHING * largest;
    for (Map.Entry<String, float[]> e : got.entrySet()) {
      String name = e.getKey();
      String param = name.replaceAll("\\.exp_avg(_sq)?$", "");
      float[] expected = file.floats(name);
      float[] actual = e.getValue();
      boolean[] skip = new boolean[expected.length];
      if (got.containsKey(param + ".exp_avg")) {
        float[] officialMoment = file.floats(param + ".exp_avg");
        float[] ourMoment = got.get(param + ".exp_avg");
        int n = 0;
        for (int i = 0; i < expected.length; i++) {
          if (Math.abs(officialMoment[i]) < threshold) {
            skip[i] = true;
            n++;
            // exp_avg = (1−β1)·g and exp_avg_sq = (1−β2)·g² = 5·exp_avg² at the first step.
            double noise = ROUNDING * largest;
            double bound = name.endsWith(".exp_avg_sq") ? 5 * noise * noise * (1 + MAX_RELATIVE)
                : name.endsWith(".exp_avg") ? noise : lr * (1 + MAX_RELATIVE);
            double diff = Math.abs((double) actual[i] - expected[i]);
            assertTrue(diff <= bound, name + "[" + i + "]: official gradient vanishes; off by " + diff
                + " > " + bound + " (our first moment " + ourMoment[i] + ")");
          }
        }
        if (n > 0 && name.equals(param)) {
          vanishing.put(param, n);
        }
      }
      errors.put(name, relative(actual, expected, skip));
    }
  }

  /** A first moment below this fraction of the largest one is a gradient that is zero in exact arithmetic. */
  static final double VANISHING = 1e-9;
  /** Our first moment where the official gradient vanishes: float32 rounding, relative to the largest one. */
  static final double ROUNDING = 1e-6;

  static double relative(float[] actual, float[] expected) {
    return relative(actual, expected, new boolean[expected.length]);
  }

  /** ‖a − b‖ / ‖b‖ (or ‖a − b‖ when b is 0) in double, over the elements not skipped. */
  static double relative(float[] actual, float[] expected, boolean[] skip) {
    assertEquals(expected.length, actual.length, "sizes");
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      if (skip[i]) {
        continue;
      }
      double d = (double) actual[i] - expected[i];
      diff += d * d;
      norm += (double) expected[i] * expected[i];
    }
    return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
  }
}

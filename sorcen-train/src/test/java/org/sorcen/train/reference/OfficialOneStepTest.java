package org.sorcen.train.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.EmaConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.train.Schedules;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * One training step of our graph against one step of the official code
 * (data/reference/official-one-step-tiny.safetensors, data/reference/README.md), replayed by
 * {@link OneStepReplay} as {@code verify-reference} does: the fixture's weights before the step,
 * zero AdamW moments at step 0, its masks and echo fed, dropout off, the lr and β its
 * {@code __metadata__.step} records. Every weight after the step and AdamW's moments must match
 * the official ones to {@link OneStepReplay#MAX_RELATIVE} in ‖ours − official‖ / ‖official‖ per
 * tensor; the losses and the gradient norm to the same relative error.
 */
class OfficialOneStepTest {
  static final double MAX_RELATIVE = OneStepReplay.MAX_RELATIVE;

  static Path fixture() {
    return ReferenceCheckTest.fixture().getParent().resolve("official-one-step-tiny.safetensors");
  }

  /** Another shape (grid 6, mlp_ratio 2.7), seed, epoch (5: echo warm-up, lr in warm-up) and no clipping. */
  static Path otherFixture() {
    return ReferenceCheckTest.fixture()
        .getParent()
        .resolve("official-one-step-g6-e5-noclip.safetensors");
  }

  static String worst(OneStepReplay.Report r) {
    return r.rows().stream()
        .max((a, b) -> Double.compare(a.relative(), b.relative()))
        .map(x -> x.name() + " " + x.relative())
        .orElse("none");
  }

  static void assertReproduces(Path fixture) {
    OneStepReplay.Report step = OneStepReplay.run(fixture, EmaConfig.TRAINED);
    System.out.println(
        fixture.getFileName() + ", momentum projector trained: worst ‖a−b‖/‖b‖ = " + worst(step));
    Map<String, Integer> vanishing = new TreeMap<>();
    step.rows().stream()
        .filter(r -> r.vanishing() > 0 && !r.name().contains(".exp_avg"))
        .forEach(r -> vanishing.put(r.name(), r.vanishing()));
    System.out.println(
        "elements with a vanishing official gradient, checked against one Adam step: " + vanishing);
    JsonNode meta = OneStepReplay.stepMetadata(Safetensors.read(fixture));
    assertEquals(List.of(), step.notCompared(), "fixture tensors not compared");
    assertEquals(names(meta, "stepped"), step.stepped(), "the parameters AdamW steps");
    Set<String> decayed = names(meta, "weight_decay_params");
    step.decays()
        .forEach(
            (name, decays) ->
                assertEquals(decayed.contains(name), decays, "weight decay of " + name));
    for (OneStepReplay.Row r : step.rows()) {
      assertTrue(r.relative() <= MAX_RELATIVE, r.name() + ": relative error " + r.relative());
      assertEquals(null, r.problem(), r.name());
    }
    assertEquals(List.of(), step.problems());
    assertTrue(step.passed());
  }

  @Test
  void theOfficialRuleReproducesTheOfficialStep() {
    assertReproduces(fixture());
  }

  /** The replay takes shape, lr, β and clipping from the file: nothing here is specific to the first fixture. */
  @Test
  void aStepAtAnotherShapeSeedEpochAndWithoutClippingReplays() {
    Safetensors file = Safetensors.read(otherFixture());
    JsonNode meta = OneStepReplay.stepMetadata(file);
    assertTrue(meta.get("grad_clip").isNull() && meta.get("epoch").asInt() == 5, meta.toString());
    // timm's Mlp width int(24 · 2.7) = 64, where rounding would give 65: loading would refuse a
    // 65-row fc1.
    assertEquals(64, file.entry("blocks.0.mlp.fc1.weight").shape()[0]);
    assertReproduces(otherFixture());
  }

  /** The EMA-only rule leaves the momentum projector where the EMA put it: the step no longer matches. */
  @Test
  void theEmaOnlyRuleDoesNotReproduceIt() {
    OneStepReplay.Report step = OneStepReplay.run(fixture(), EmaConfig.EMA_ONLY);
    System.out.println(
        "official one step, momentum projector EMA only: worst ‖a−b‖/‖b‖ = " + worst(step));
    assertFalse(step.stepped().stream().anyMatch(n -> n.startsWith("momentum_projector.")));
    // It has no AdamW moments for the momentum projector to compare, and nothing else is missing.
    assertTrue(
        !step.notCompared().isEmpty()
            && step.notCompared().stream().allMatch(n -> n.startsWith("after.momentum_projector.")),
        step.notCompared().toString());
    double worst =
        step.rows().stream()
            .filter(r -> r.name().startsWith("after.momentum_projector."))
            .mapToDouble(OneStepReplay.Row::relative)
            .max()
            .orElseThrow();
    assertTrue(worst > 100 * MAX_RELATIVE, "momentum projector error " + worst);
    assertFalse(step.passed());
  }

  /**
   * The replay feeds the recorded lr and β; separately, our schedules at the fixture's epoch must
   * give them, from the official args the generator records in {@code step.lr_schedule}.
   */
  @Test
  void ourSchedulesGiveTheRecordedLrAndBeta() throws Exception {
    for (Path p : List.of(fixture(), otherFixture())) {
      Safetensors file = Safetensors.read(p);
      FixtureInputs in = FixtureInputs.read(file);
      JsonNode meta = OneStepReplay.stepMetadata(file);
      JsonNode args = meta.get("lr_schedule");
      SorcenConfig config = OneStepReplay.stepConfig(file, in, meta, EmaConfig.TRAINED);
      config.optimizer.blr = args.get("lr").asDouble() * 256.0 / in.batch();
      config.optimizer.warmupEpochs = args.get("warmup_epochs").asDouble();
      config.optimizer.minLr = args.get("min_lr").asDouble();
      config.train.epochs = args.get("epochs").asDouble();
      float lr = scheduleAt(config, meta.get("epoch").asLong())[0];
      config.train.epochs = meta.get("beta_schedule_epochs").asDouble();
      float beta = scheduleAt(config, meta.get("epoch").asLong())[1];
      assertEquals(meta.get("lr").asDouble(), lr, 1e-6 * meta.get("lr").asDouble(), p + " lr");
      assertEquals(meta.get("beta").asDouble(), beta, 1e-7, p + " beta");
    }
  }

  /** lr and β of our schedules at an epoch (one step per epoch). */
  static float[] scheduleAt(SorcenConfig config, long epoch) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Schedules at = new Schedules(tf, config, tf.constant(epoch), 1);
      try (Result r = s.runner().fetch(at.learningRate()).fetch(at.momentum()).run()) {
        return new float[] {Tensors.scalar(r.get(0)), Tensors.scalar(r.get(1))};
      }
    }
  }

  @Test
  void theCommandReplaysAOneStepFixture() {
    Cli r = cli(fixture());
    assertEquals(0, r.code(), r.out());
    assertTrue(
        r.out().contains("lr 0.0199271 and beta 0.996038")
            && r.out().contains("trained weights after the step")
            && r.out().contains("AdamW exp_avg_sq")
            && r.out().contains("PASS: the graph reproduces the official step"),
        r.out());
  }

  /** β in the metadata changed (same length): the teacher's EMA after the step no longer matches; exit 3. */
  @Test
  void aStepThatDoesNotMatchFailsWithExitThree(@TempDir Path tmp) throws Exception {
    byte[] bytes = Files.readAllBytes(fixture());
    int headerLen = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    String header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
    assertEquals(1, header.split("0\\.9960384294391935", -1).length - 1);
    String changed = header.replace("0.9960384294391935", "0.9900384294391935");
    System.arraycopy(changed.getBytes(StandardCharsets.UTF_8), 0, bytes, 8, headerLen);
    Path bad = tmp.resolve("beta.safetensors");
    Files.write(bad, bytes);
    Cli r = cli(bad);
    assertEquals(3, r.code(), r.out());
    assertTrue(
        r.out().contains("teacher (EMA) and BatchNorm statistics after the step")
            && r.out().contains("FAIL"),
        r.out());
  }

  record Cli(int code, String out) {}

  static Cli cli(Path fixture) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = SorcenCli.commandLine().execute("verify-reference", fixture.toString());
      return new Cli(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  static Set<String> names(JsonNode meta, String key) {
    Set<String> out = new TreeSet<>();
    meta.get(key).forEach(n -> out.add(n.asText()));
    return out;
  }
}

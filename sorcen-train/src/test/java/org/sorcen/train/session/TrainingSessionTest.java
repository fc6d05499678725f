package org.sorcen.train.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;

class TrainingSessionTest {
  private static final int STEPS_PER_EPOCH = 4;

  private static List<Double> losses(SorcenConfig config, int steps) {
    List<Double> out = new ArrayList<>();
    int l = config.model.seqLen();
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      for (int i = 0; i < steps; i++) {
        StepMetrics m = s.step(TinyConfigs.tokens(8, l, 32, i % 2), TinyConfigs.labels(8, i));
        out.add(m.totalLoss());
        out.add(m.get("loss/contrastive"));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesIdenticalLossesAndAnotherSeedDoesNot() {
    // 6 steps crosses the echo warm-up (1 epoch = 4 steps), so sampled echoes are compared too.
    List<Double> a = losses(TinyConfigs.tiny(Map.of()), 6);
    List<Double> b = losses(TinyConfigs.tiny(Map.of()), 6);
    List<Double> c = losses(TinyConfigs.tiny(Map.of("train.seed", "4")), 6);
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void reportsEveryTermAndSchedulesFromStepZero() {
    SorcenConfig config = TinyConfigs.tiny(Map.of());
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      StepMetrics first = s.step(TinyConfigs.tokens(8, 16, 32, 0), TinyConfigs.labels(8, 0));
      StepMetrics second = s.step(TinyConfigs.tokens(8, 16, 32, 1), TinyConfigs.labels(8, 1));
      assertEquals(0, first.step());
      assertEquals(1, second.step());
      assertEquals(0.0, first.get("lr"));
      double peak = config.optimizer.peakLr(config.train.batchSize);
      assertEquals(peak / STEPS_PER_EPOCH, second.get("lr"), 1e-9);
      double sum =
          first.get("loss/reconstruction")
              + first.get("loss/uniformity")
              + first.get("loss/contrastive")
              + first.get("loss/classifier");
      assertEquals(sum, first.totalLoss(), 1e-5);
      // Untrained reconstruction loss is near log(C) with label smoothing; all terms positive.
      assertEquals(Math.log(32), first.get("loss/reconstruction"), 0.7);
      assertTrue(first.get("loss/uniformity") > 0 && first.get("loss/contrastive") > 0);
      double acc = first.get("classifier/accuracy");
      assertTrue(acc >= 0 && acc <= 1);
    }
  }

  /**
   * Under {@code ema.momentum_projector: ema} the teacher blocks and the momentum projector move by
   * exactly the EMA formula; under the default (official) rule the blocks still do, while the
   * momentum projector is then also stepped by AdamW, so it leaves the EMA value.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ema", "trained"})
  void teacherMovesByExactlyTheEmaFormulaAndGetsNoGradient(String rule) {
    SorcenConfig config = TinyConfigs.tiny(Map.of("ema.momentum_projector", rule));
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      s.step(TinyConfigs.tokens(8, 16, 32, 0), TinyConfigs.labels(8, 0));
      List<ModelVariable> ema =
          s.graph().variables().all().stream().filter(v -> v.role().followsEma()).toList();
      assertEquals(
          2 * 12 + 6, ema.size(), "2 teacher blocks of 12 tensors + momentum projector's 6");
      List<String> names = new ArrayList<>();
      for (ModelVariable v : ema) {
        names.add(v.name());
        names.add(SorcenVariables.studentOf(v.name()));
      }
      Map<String, float[]> before = s.read(names);
      StepMetrics m = s.step(TinyConfigs.tokens(8, 16, 32, 1), TinyConfigs.labels(8, 1));
      Map<String, float[]> after = s.read(names);
      float beta = (float) m.get("ema/beta");
      assertTrue(beta > 0.99f && beta < 1f);
      double projectorOffEma = 0;
      for (ModelVariable v : ema) {
        float[] t0 = before.get(v.name());
        float[] s0 = before.get(SorcenVariables.studentOf(v.name()));
        float[] t1 = after.get(v.name());
        boolean trained = v.role() == VariableRole.EMA_AND_TRAINABLE;
        assertEquals(
            rule.equals("trained") && v.name().startsWith("momentum_projector."),
            trained,
            v.name());
        for (int i = 0; i < t0.length; i++) {
          float expected = beta * t0[i] + (1 - beta) * s0[i];
          if (trained) {
            projectorOffEma = Math.max(projectorOffEma, Math.abs(expected - t1[i]));
          } else {
            assertEquals(
                expected,
                t1[i],
                1e-6f * Math.max(1f, Math.abs(expected)),
                v.name() + "[" + i + "]");
          }
        }
      }
      if (rule.equals("trained")) {
        assertTrue(projectorOffEma > 1e-6, "AdamW moved the momentum projector off its EMA value");
      }
    }
  }

  @Test
  void teacherStartsFromItsOwnInitialisationUnlessCopyIsAsked() {
    List<String> names =
        List.of(
            "blocks_momentum.1.mlp.fc1.weight",
            "blocks.1.mlp.fc1.weight",
            "momentum_projector.projector.3.weight",
            "projector.projector.3.weight");
    for (String init : List.of("random", "copy")) {
      SorcenConfig config = TinyConfigs.tiny(Map.of("model.teacher_init", init));
      try (TrainingSession s =
          TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
        Map<String, float[]> v = s.read(names);
        boolean copied =
            Arrays.equals(v.get(names.get(0)), v.get(names.get(1)))
                && Arrays.equals(v.get(names.get(2)), v.get(names.get(3)));
        assertEquals("copy".equals(init), copied, init);
      }
    }
  }

  /**
   * β = 1: the teacher blocks never move while the student does. The momentum projector is still
   * moved by AdamW under the official rule, and not at all under "ema".
   */
  @ParameterizedTest
  @ValueSource(strings = {"ema", "trained"})
  void withBetaOneTheTeacherNeverMovesWhileTheStudentDoes(String rule) {
    SorcenConfig config =
        TinyConfigs.tiny(Map.of("ema.base_momentum", "1.0", "ema.momentum_projector", rule));
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      List<String> names =
          List.of(
              "blocks_momentum.0.attn.qkv.weight",
              "momentum_projector.projector.0.weight",
              "blocks.0.attn.qkv.weight",
              "projector.projector.0.weight");
      Map<String, float[]> before = s.read(names);
      for (int i = 0; i < 6; i++) {
        s.step(TinyConfigs.tokens(8, 16, 32, i), TinyConfigs.labels(8, i));
      }
      Map<String, float[]> after = s.read(names);
      assertTrue(Arrays.equals(before.get(names.get(0)), after.get(names.get(0))));
      assertEquals(
          rule.equals("ema"),
          Arrays.equals(before.get(names.get(1)), after.get(names.get(1))),
          "momentum projector unchanged under " + rule);
      assertTrue(!Arrays.equals(before.get(names.get(2)), after.get(names.get(2))));
      assertTrue(!Arrays.equals(before.get(names.get(3)), after.get(names.get(3))));
    }
  }

  @Test
  void lossFallsOnAFixedTokenSet() {
    // One fixed batch and a larger lr than the paper's, so that 150 steps show learning. The MLM
    // head scores against the detached word table (std 0.02), so logits move slowly at first.
    SorcenConfig config = TinyConfigs.tiny(Map.of("optimizer.blr", "0.3", "model.dropout", "0"));
    // id = 7·(16·row + position) mod 32: two possible ids per position, so the grid is predictable.
    long[] ids = new long[8 * 16];
    for (int k = 0; k < ids.length; k++) {
      ids[k] = (7L * k) % 32;
    }
    long[] labels = TinyConfigs.labels(8, 0);
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      double first = 0;
      double last = 0;
      for (int i = 0; i < 150; i++) {
        StepMetrics m = s.step(ids, labels);
        if (i < 10) {
          first += m.get("loss/reconstruction") / 10;
        }
        if (i >= 140) {
          last += m.get("loss/reconstruction") / 10;
        }
      }
      assertTrue(last < first - 0.3, "reconstruction loss " + first + " -> " + last);
    }
  }

  @Test
  void aRestoredCheckpointContinuesExactlyLikeTheUninterruptedRun(@TempDir Path dir) {
    SorcenConfig config = TinyConfigs.tiny(Map.of());
    Path prefix = dir.resolve("ckpt");
    List<Double> uninterrupted = new ArrayList<>();
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      for (int i = 0; i < 5; i++) {
        StepMetrics m = s.step(TinyConfigs.tokens(8, 16, 32, i), TinyConfigs.labels(8, i));
        if (i == 2) {
          s.save(prefix);
        }
        if (i > 2) {
          uninterrupted.add(m.totalLoss());
          uninterrupted.add(m.get("lr"));
        }
      }
    }
    List<Double> resumed = new ArrayList<>();
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      s.restore(prefix);
      for (int i = 3; i < 5; i++) {
        StepMetrics m = s.step(TinyConfigs.tokens(8, 16, 32, i), TinyConfigs.labels(8, i));
        assertEquals(i, m.step());
        resumed.add(m.totalLoss());
        resumed.add(m.get("lr"));
      }
    }
    assertEquals(uninterrupted, resumed);
  }

  @Test
  void mageBaselineHasNoTeacherAndNoContrast() {
    SorcenConfig config = TinyConfigs.tiny(Map.of("method", "mage"));
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      assertTrue(s.graph().variables().withRole(VariableRole.EMA).isEmpty());
      assertTrue(
          s.graph().variables().all().stream().noneMatch(v -> v.name().startsWith("projector.")));
      StepMetrics m = s.step(TinyConfigs.tokens(8, 16, 32, 0), TinyConfigs.labels(8, 0));
      assertEquals(0.0, m.get("loss/contrastive"));
      assertEquals(0.0, m.get("loss/uniformity"));
      assertEquals(m.get("loss/reconstruction") + m.get("loss/classifier"), m.totalLoss(), 1e-5);
    }
  }

  @Test
  void badBatchesAreRefusedWithAMessage() {
    SorcenConfig config = TinyConfigs.tiny(Map.of());
    try (TrainingSession s =
        TrainingSession.create(config, true, STEPS_PER_EPOCH, SessionSettings.defaults())) {
      long[] ids = TinyConfigs.tokens(8, 16, 32, 0);
      ids[19] = 32;
      var e =
          assertThrows(IllegalArgumentException.class, () -> s.step(ids, TinyConfigs.labels(8, 0)));
      assertTrue(e.getMessage().contains("row 1, position 3"), e.getMessage());
      var e2 =
          assertThrows(
              IllegalArgumentException.class, () -> s.step(new long[15], TinyConfigs.labels(8, 0)));
      assertTrue(e2.getMessage().contains("L = 16"), e2.getMessage());
      var e3 =
          assertThrows(
              IllegalArgumentException.class,
              () -> s.step(TinyConfigs.tokens(8, 16, 32, 0), new long[] {0, 1, 2, 3, 4, 0, 0, 0}));
      assertTrue(e3.getMessage().contains("label 4"), e3.getMessage());
    }
  }
}

package org.sorcen.train.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The comparison rule of {@link OneStepReplay} on one parameter whose first Adam step is known in
 * closed form: m = (1−β1)·g, v = (1−β2)·g², p' = p − lr·g/(|g| + eps) (no weight decay).
 */
class OneStepReplayTest {
  static final float LR = 0.01f;
  static final double EPS = 1e-8;

  static JsonNode meta() throws Exception {
    return new ObjectMapper().readTree("{\"betas\": [0.9, 0.95], \"eps\": 1e-8}");
  }

  /** after.w, its exp_avg and exp_avg_sq after one step from p = 0.5 with gradient g. */
  static void step(Map<String, float[]> into, double... g) {
    float[] p = new float[g.length];
    float[] m = new float[g.length];
    float[] v = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      p[i] = (float) (0.5 - LR * g[i] / (Math.abs(g[i]) + EPS));
      m[i] = (float) (0.1 * g[i]);
      v[i] = (float) (0.05 * g[i] * g[i]);
    }
    into.put("after.w", p);
    into.put("after.w.exp_avg", m);
    into.put("after.w.exp_avg_sq", v);
  }

  static List<OneStepReplay.Row> compare(double[] official, double[] ours) throws Exception {
    Map<String, float[]> off = new LinkedHashMap<>();
    Map<String, float[]> got = new LinkedHashMap<>();
    step(off, official);
    step(got, ours);
    return OneStepReplay.compareAfter(off::get, got, LR, meta(), Set.of("w"));
  }

  /**
   * An official gradient of 2 eps (its step is ⅔ lr) that float32 rounding turned into −1 eps on
   * our side (a step of −½ lr): no tolerance on the parameter could tell them apart, so the
   * element is held to one Adam step; an exact zero likewise; the resolvable element stays exact.
   */
  @Test
  void aGradientWithinAFewEpsOfZeroIsHeldToOneAdamStep() throws Exception {
    List<OneStepReplay.Row> rows =
        compare(new double[] {0.1, 2e-8, 0}, new double[] {0.1, -1e-8, 3e-9});
    for (OneStepReplay.Row r : rows) {
      assertTrue(r.passed(), r.toString());
      assertEquals(2, r.vanishing(), r.toString());
    }
    assertEquals("trained weights after the step", rows.get(0).group());
    // Without the rule the parameter would miss 1e-5 by far: ‖Δ‖/‖p‖ ≈ 1.17·lr / 0.87.
    float[] official = {0.5f - LR * 2 / 3f};
    float[] ours = {0.5f + LR / 2};
    assertTrue(OneStepReplay.relative(ours, official, null) > 1e-3);
  }

  @Test
  void aResolvableGradientIsNot() throws Exception {
    List<OneStepReplay.Row> rows = compare(new double[] {0.1, 1e-6}, new double[] {0.1, -1e-6});
    assertFalse(rows.get(0).passed(), rows.get(0).toString());
    assertEquals(0, rows.get(0).vanishing());
  }

  /** More than one Adam step away where the gradient vanishes: a problem, whatever the relative error. */
  @Test
  void aVanishingElementBeyondOneAdamStepFails() throws Exception {
    Map<String, float[]> off = new LinkedHashMap<>();
    Map<String, float[]> got = new LinkedHashMap<>();
    step(off, 0.1, 0);
    step(got, 0.1, 0);
    got.get("after.w")[1] += 3 * LR;
    OneStepReplay.Row w = OneStepReplay.compareAfter(off::get, got, LR, meta(), Set.of("w")).get(0);
    assertNotNull(w.problem());
    assertFalse(w.passed());
  }
}

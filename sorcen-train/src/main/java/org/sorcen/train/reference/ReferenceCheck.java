package org.sorcen.train.reference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ExplicitForward;
import org.sorcen.graph.model.ForwardResult;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.Variables;
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
import org.tensorflow.op.Ops;

/**
 * Runs the deterministic forward pass on a reference fixture (official weights, explicit inputs)
 * and compares every {@code expected.*} tensor, and the official probe feature where the fixture has
 * one, with what the graph computes.
 */
public final class ReferenceCheck {
  public static final double MAX_RELATIVE = 1e-4;
  public static final double MAX_ABSOLUTE = 1e-5;
  static final String EXPECTED = "expected.";

  /** The official linear-probe feature (ALGORITHM.md §8), compared with the graph's embedding. */
  static final String PROBE_FEATURE = "extra.official_probe_feature";

  /** One compared tensor. Relative error is max|a − e| / max|e|. */
  public record Row(
      String name, long size, double maxAbsolute, double maxRelative, String problem) {
    public boolean passed() {
      return problem == null && (maxAbsolute <= MAX_ABSOLUTE || maxRelative <= MAX_RELATIVE);
    }
  }

  /** Every row, and the tensors of the file that nothing used. */
  public record Report(String method, List<Row> rows, List<String> unused) {
    public boolean passed() {
      return !rows.isEmpty() && rows.stream().allMatch(Row::passed);
    }
  }

  private ReferenceCheck() {}

  public static Report run(Path fixture) {
    Safetensors file = Safetensors.read(fixture);
    FixtureInputs inputs = FixtureInputs.read(file);
    String source = fixture.toString();
    SorcenConfig config = FixtureConfig.from(file, inputs.droppedPerRow(source));
    inputs.checkIds(config.model, source);
    int b = inputs.batch();
    int l = config.model.seqLen();

    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      SorcenVariables.declare(vars, config);
      ExplicitForward fwd = ExplicitForward.build(tf, config, vars);
      WeightLoading.load(tf, s, OfficialStateDict.plan(vars, file), file);

      Map<String, Operand<?>> outputs = outputs(fwd);
      List<String> expectedNames =
          file.entries().keySet().stream().filter(ReferenceCheck::isExpected).toList();
      if (expectedNames.isEmpty()) {
        throw new WeightsException(source + ": no expected.* tensors to compare");
      }
      List<Row> rows = new ArrayList<>();
      List<String> fetched = new ArrayList<>();
      Session.Runner runner = s.runner();
      for (String name : expectedNames) {
        Operand<?> out = outputs.get(name);
        if (out != null) {
          runner.fetch(out);
          fetched.add(name);
        } else {
          rows.add(
              new Row(name, 0, Double.NaN, Double.NaN, "the graph has no output of that name"));
        }
      }
      try (Tensor tokens = Tensors.longs(inputs.tokens(), b, l);
          Tensor labels = Tensors.longs(inputs.labels(), b);
          Tensor dropped = Tensors.bools(inputs.dropped(), b, l);
          Tensor masked = Tensors.bools(inputs.masked(), b, l);
          Tensor echo = Tensors.longs(inputs.echo(), b, l);
          Result r =
              runner
                  .feed(fwd.tokens(), tokens)
                  .feed(fwd.labels(), labels)
                  .feed(fwd.dropped(), dropped)
                  .feed(fwd.masked(), masked)
                  .feed(fwd.echo(), echo)
                  .run()) {
        for (int i = 0; i < fetched.size(); i++) {
          rows.add(compare(fetched.get(i), Tensors.toFloats(r.get(i)), file));
        }
      }
      List<String> unused =
          OfficialStateDict.unused(vars, file, Set.of("input.", "expected.", PROBE_FEATURE));
      return new Report(config.method, rows, unused);
    }
  }

  /** An {@code expected.*} tensor, or the official probe feature the official-code fixture records. */
  static boolean isExpected(String name) {
    return name.startsWith(EXPECTED) || name.equals(PROBE_FEATURE);
  }

  /** Graph outputs by the fixture tensor they are compared with. */
  private static Map<String, Operand<?>> outputs(ExplicitForward fwd) {
    ForwardResult r = fwd.result();
    Map<String, Operand<?>> m = new LinkedHashMap<>();
    m.put("latent", r.latent());
    m.put("logits", r.logits());
    m.put("teacher_latent", r.teacherLatent());
    m.put("teacher_projection", r.teacherProjection());
    m.put("student_prediction", r.studentPrediction());
    m.put("loss_reconstruction", r.lossReconstruction());
    m.put("loss_uniformity", r.lossUniformity());
    m.put("loss_contrastive", r.lossContrastive());
    m.put("loss_classifier", r.lossClassifier());
    m.put("loss_total", r.lossTotal());
    // The fixtures' expected.embedding is the mean of the final-normed patch outputs, not the
    // official
    // probe feature the graph's embedding is (data/reference/README.md).
    m.put("embedding", fwd.finalNormMean());
    m.values().removeIf(Objects::isNull);
    Map<String, Operand<?>> byTensor = new LinkedHashMap<>();
    m.forEach((k, v) -> byTensor.put(EXPECTED + k, v));
    byTensor.put(PROBE_FEATURE, fwd.embedding());
    return byTensor;
  }

  private static Row compare(String name, float[] actual, Safetensors file) {
    float[] expected = file.floats(name);
    if (expected.length != actual.length) {
      return new Row(
          name,
          expected.length,
          Double.NaN,
          Double.NaN,
          "size "
              + actual.length
              + " but expected "
              + expected.length
              + " "
              + file.entry(name).shapeString());
    }
    double maxAbs = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) actual[i] - expected[i]);
      if (Double.isNaN(d)) {
        return new Row(name, expected.length, Double.NaN, Double.NaN, "NaN at index " + i);
      }
      maxAbs = Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return new Row(name, expected.length, maxAbs, scale > 0 ? maxAbs / scale : maxAbs, null);
  }
}

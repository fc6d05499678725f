package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.VariableFeeds;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.OfficialStateDict;
import org.sorcen.graph.weights.WeightPlan;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;

/** Fills a graph's variables from a weight plan of a safetensors or PyTorch file. */
public final class WeightLoading {
  private WeightLoading() {}

  /** Fills {@code vars} of {@code graph}'s model from the official state_dict {@code file}. */
  public static void loadOfficial(Graph graph, Session session, Variables vars, NamedTensors file) {
    load(Ops.create(graph), session, OfficialStateDict.plan(vars, file), file);
  }

  /**
   * Runs load ops added with {@code tf} once, fed every planned tensor of {@code file} in its
   * variable's layout; the plan has checked the shapes before anything touches TF.
   */
  public static void load(
      Ops tf, Session session, List<WeightPlan.Assignment> plan, NamedTensors file) {
    VariableFeeds feeds =
        VariableFeeds.build(tf, plan.stream().map(WeightPlan.Assignment::variable).toList());
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (WeightPlan.Assignment a : plan) {
        Tensor t = Tensors.floats(a.values(file), a.variable().shape().asArray());
        owned.add(t);
        runner.feed(feeds.feed(a.variable().name()), t);
      }
      runner.addTarget(feeds.load()).run();
    } finally {
      owned.forEach(Tensor::close);
    }
  }
}

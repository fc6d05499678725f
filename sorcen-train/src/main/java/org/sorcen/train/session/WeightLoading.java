package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.VariableFeeds;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.OfficialStateDict;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;

/** Fills a graph's variables from an official state_dict in a safetensors or PyTorch file. */
public final class WeightLoading {
  private WeightLoading() {}

  /** Fills {@code vars} of {@code graph}'s model from {@code file}, through load ops added to it. */
  public static void loadOfficial(Graph graph, Session session, Variables vars, NamedTensors file) {
    List<OfficialStateDict.Assignment> plan = OfficialStateDict.plan(vars, file);
    VariableFeeds feeds =
        VariableFeeds.build(
            Ops.create(graph), plan.stream().map(OfficialStateDict.Assignment::variable).toList());
    load(session, feeds, plan, file);
  }

  /** Runs the feeds' load op once with every planned tensor; checks shapes before touching TF. */
  public static void load(
      Session session,
      VariableFeeds feeds,
      List<OfficialStateDict.Assignment> plan,
      NamedTensors file) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (OfficialStateDict.Assignment a : plan) {
        Tensor t = Tensors.floats(file.floats(a.tensor()), a.variable().shape().asArray());
        owned.add(t);
        runner.feed(feeds.feed(a.variable().name()), t);
      }
      runner.addTarget(feeds.load()).run();
    } finally {
      owned.forEach(Tensor::close);
    }
  }
}

package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.VariableFeeds;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.OfficialStateDict;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/** Fills a graph's variables from an official state_dict in a safetensors or PyTorch file. */
public final class WeightLoading {
  private WeightLoading() {}

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

package org.sorcen.graph.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One placeholder per float variable and a single op that assigns them all: how weights from a
 * file (official checkpoints, fixtures) get into a graph without rebuilding it.
 */
public final class VariableFeeds {
  public static final String LOAD = "load_weights";

  private final Map<String, Placeholder<TFloat32>> feeds;
  private final Op load;

  private VariableFeeds(Map<String, Placeholder<TFloat32>> feeds, Op load) {
    this.feeds = feeds;
    this.load = load;
  }

  public static VariableFeeds build(Ops tf, List<ModelVariable> variables) {
    Ops scope = tf.withSubScope("feed");
    Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    List<Op> assigns = new ArrayList<>();
    for (ModelVariable v : variables) {
      if (v.type() != TFloat32.class) {
        continue;
      }
      Placeholder<TFloat32> p = scope.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
      feeds.put(v.name(), p);
      assigns.add(scope.assignVariableOp(v.handle(), p));
    }
    return new VariableFeeds(feeds, tf.withControlDependencies(assigns).withName(LOAD).noOp());
  }

  public Placeholder<TFloat32> feed(String name) {
    Placeholder<TFloat32> p = feeds.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no feed for variable '" + name + "'");
    }
    return p;
  }

  public Op load() {
    return load;
  }
}

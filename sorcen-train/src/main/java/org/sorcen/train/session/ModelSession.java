package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * A model's graph in its own Session, what the three trainers' sessions share: the subclass builds
 * its model into {@link #graph} in its constructor (closing the graph if that fails) and then
 * {@link #open}s the session; variables are read by their checkpoint names, the whole state is saved
 * and restored as one bundle, and closing ends the session before the graph it holds.
 */
public abstract class ModelSession implements AutoCloseable, Checkpointable {
  protected final Graph graph = new Graph();

  private Session session;

  protected ModelSession() {}

  /** The variables {@link #read} and the checkpoints address by name. */
  protected abstract Variables variables();

  /** Opens a session in this process with {@code settings} and initialises the variables. */
  protected final void open(SessionSettings settings) {
    open(new Session(graph, settings.toConfigProto()));
  }

  /** Takes {@code opened}, a session on {@link #graph}, and initialises the variables. */
  protected final void open(Session opened) {
    session = opened;
    session.initialize();
  }

  protected final Session session() {
    return session;
  }

  /** Current values of float variables, by checkpoint name, flattened (for tests and inspection). */
  public Map<String, float[]> read(List<String> names) {
    Session.Runner runner = session.runner();
    names.forEach(n -> runner.fetch(variables().read(n)));
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), Tensors.toFloats(r.get(i)));
      }
    }
    return out;
  }

  /** Writes every variable as a TF bundle at {@code prefix}; {@code Checkpoints} makes it atomic. */
  @Override
  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  @Override
  public void restore(Path prefix) {
    session.restore(prefix.toString());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}

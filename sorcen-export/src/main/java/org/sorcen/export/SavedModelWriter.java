package org.sorcen.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sorcen.export.io.IoFailure;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;

/**
 * The one way every SavedModel here is made: a fresh inference-only graph, its variables filled
 * (restored by name from a training checkpoint), exported with tag {@code serve} and its signatures
 * (the first one also a function, as TF Java's exporter wants).
 */
public final class SavedModelWriter {
  public static final String TAG = "serve";

  /** The signatures of a built graph and how to fill its variables. */
  public record Built(List<Signature> signatures, Consumer<Session> load) {
    /** Signatures whose variables are restored from {@code checkpointPrefix}. */
    public static Built restoring(List<Signature> signatures, Path checkpointPrefix) {
      return new Built(signatures, s -> restore(s, checkpointPrefix));
    }
  }

  private SavedModelWriter() {}

  /** Builds the graph with {@code build}, fills it, and exports it into the empty directory {@code dir}. */
  public static void write(Path dir, Function<Ops, Built> build) throws IOException {
    try (Graph g = new Graph()) {
      Built built = build.apply(Ops.create(g));
      List<Signature> sigs = built.signatures();
      try (Session s = new Session(g)) {
        built.load().accept(s);
        SavedModelBundle.Exporter exporter =
            SavedModelBundle.exporter(dir.toString())
                .withTags(TAG)
                .withFunction(SessionFunction.create(sigs.get(0), s));
        for (Signature extra : sigs.subList(1, sigs.size())) {
          exporter = exporter.withSignature(extra);
        }
        exporter.export();
      }
    }
  }

  /** Restores a training checkpoint by variable name; a failure names the checkpoint. */
  static void restore(Session s, Path checkpointPrefix) {
    try {
      s.restore(checkpointPrefix.toString());
    } catch (TensorFlowException e) {
      throw IoFailure.of("restore checkpoint", checkpointPrefix.toAbsolutePath().getParent(), e);
    }
  }
}

package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Save and restore ops for resource variables, named as TensorFlow's own saver names them
 * ({@code save/filename}, {@code save/control_dependency}, {@code save/restore_all}). TF Java's
 * built-in saver silently skips resource variables; with these ops in the graph,
 * {@code Session.save/restore} and the SavedModel exporter use them instead. Tensors are keyed by
 * each variable's checkpoint name, so checkpoints read like PyTorch state_dicts.
 */
public final class CheckpointOps {
  public static final String FILENAME = "save/filename";
  public static final String SAVE = "save/control_dependency";
  public static final String RESTORE = "save/restore_all";

  private CheckpointOps() {}

  /**
   * An op that fills {@code vars} from the checkpoint at {@code prefix} (a constant path), for
   * graphs that combine variables from several checkpoints, e.g. a generator and a tokenizer.
   */
  public static Op restoreFrom(Ops tf, List<ModelVariable> vars, String prefix) {
    String[] names = vars.stream().map(ModelVariable::name).toArray(String[]::new);
    String[] slices = new String[names.length];
    Arrays.fill(slices, "");
    List<Class<? extends TType>> types =
        vars.stream().<Class<? extends TType>>map(ModelVariable::type).toList();
    Restore restored =
        tf.train.restore(
            tf.constant(prefix),
            tf.constant(StdArrays.ndCopyOf(names)),
            tf.constant(StdArrays.ndCopyOf(slices)),
            types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      assigns.add(tf.assignVariableOp(vars.get(i).handle(), restored.tensors().get(i)));
    }
    return tf.withControlDependencies(assigns).noOp();
  }

  /** Builds the ops over every variable declared so far; declare all variables first. */
  public static void build(Ops tf, Variables vars) {
    List<ModelVariable> all = vars.all();
    String[] names = all.stream().map(ModelVariable::name).toArray(String[]::new);
    String[] slices = new String[names.length];
    Arrays.fill(slices, "");
    List<Operand<?>> reads = new ArrayList<>();
    List<Class<? extends TType>> types = new ArrayList<>();
    for (ModelVariable v : all) {
      reads.add(v.read(tf));
      types.add(v.type());
    }
    Ops save = tf.withSubScope("save");
    Placeholder<TString> filename = save.withName("filename").placeholder(TString.class);
    Operand<TString> nameList = save.constant(StdArrays.ndCopyOf(names));
    Operand<TString> sliceList = save.constant(StdArrays.ndCopyOf(slices));
    Op saveOp = save.train.save(filename, nameList, sliceList, reads);
    save.withControlDependencies(List.of(saveOp)).withName("control_dependency").identity(filename);
    Restore restored = save.train.restore(filename, nameList, sliceList, types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      assigns.add(save.assignVariableOp(all.get(i).handle(), restored.tensors().get(i)));
    }
    save.withControlDependencies(assigns).withName("restore_all").noOp();
  }
}

package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.family.TType;

/** A resource variable with its checkpoint name (the official PyTorch name where one exists). */
public record ModelVariable(
    String name, VarHandleOp handle, Shape shape, Class<? extends TType> type, VariableRole role) {

  /**
   * ALGORITHM.md §6, timm's add_weight_decay as the official code calls it (no skip list): every
   * trained tensor decays except those of rank <= 1 and those whose name ends in ".bias".
   */
  public boolean decays() {
    return role.trained() && shape.numDimensions() > 1 && !name.endsWith(".bias");
  }

  /** A fresh read; pass an Ops carrying control dependencies to order it after an update. */
  @SuppressWarnings("unchecked")
  public <T extends TType> Operand<T> read(Ops tf) {
    return tf.readVariableOp(handle, (Class<T>) type);
  }
}

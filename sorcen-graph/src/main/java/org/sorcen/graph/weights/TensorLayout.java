package org.sorcen.graph.weights;

/**
 * How a weights file lays out a variable's tensor: the shape it stores, and how its values become the
 * variable's. The official Sorcen checkpoints store every tensor as the graph holds it ({@link
 * #AS_IN_GRAPH}); MAGE's VQGAN stores conv kernels OIHW where the graph holds them HWIO.
 */
public interface TensorLayout {
  /** Every tensor stored as the graph holds it. */
  TensorLayout AS_IN_GRAPH =
      new TensorLayout() {
        @Override
        public long[] fileShape(long[] variableShape) {
          return variableShape;
        }

        @Override
        public float[] toVariable(float[] values, long[] variableShape) {
          return values;
        }
      };

  /** The shape the file stores for a variable of {@code variableShape}. */
  long[] fileShape(long[] variableShape);

  /** The file's values of a tensor, row-major in its {@link #fileShape}, in the variable's layout. */
  float[] toVariable(float[] values, long[] variableShape);
}

package org.sorcen.graph.weights;

import java.nio.file.Path;
import java.util.Map;

/**
 * A file of named tensors with shapes, read as float32 on demand: what {@link OfficialStateDict}
 * maps onto the graph's variables. Implemented by {@link Safetensors} and by {@link
 * TorchCheckpoint} (PyTorch's {@code torch.save} zip files).
 */
public interface NamedTensors {
  /** The file, for messages. */
  Path file();

  /** Every tensor's shape, by name, in the file's order. */
  Map<String, long[]> shapes();

  /** The tensor's values as float32, row-major; fails naming the tensor if it has no float dtype. */
  float[] floats(String name);

  /**
   * Fails naming the tensor if {@link #floats} could not read it (dtype, layout), without reading
   * its data; lets a caller refuse a file before it writes anything.
   */
  default void checkFloats(String name) {}
}

package org.sorcen.graph.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Everything one training forward pass computes. Terms that the method does not have (MAGE has no
 * uniformity or contrast; no classifier without labels) are constant zeros so that every run logs
 * the same keys. {@code lossContrastive} is already weighted.
 */
public record ForwardResult(
    Operand<TFloat32> latent,
    Operand<TFloat32> logits,
    Operand<TInt64> echoTokens,
    Operand<TFloat32> teacherLatent,
    Operand<TFloat32> teacherProjection,
    Operand<TFloat32> studentPrediction,
    Operand<TFloat32> lossReconstruction,
    Operand<TFloat32> lossUniformity,
    Operand<TFloat32> lossContrastive,
    Operand<TFloat32> lossClassifier,
    Operand<TFloat32> classifierAccuracy,
    Operand<TFloat32> lossTotal,
    Operand<TFloat32> objective) {

  /** The scalar terms by their metric names, in logging order. */
  public Map<String, Operand<TFloat32>> scalars() {
    Map<String, Operand<TFloat32>> m = new LinkedHashMap<>();
    m.put("loss/total", lossTotal);
    m.put("loss/reconstruction", lossReconstruction);
    m.put("loss/uniformity", lossUniformity);
    m.put("loss/contrastive", lossContrastive);
    m.put("loss/classifier", lossClassifier);
    m.put("classifier/accuracy", classifierAccuracy);
    return m;
  }
}

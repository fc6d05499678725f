package org.sorcen.train.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.sorcen.graph.config.JsonErrors;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.WeightsException;

/**
 * Turns a fixture's {@code __metadata__.config} (data/reference/README.md) into a model config.
 * Keys describing how the inputs were drawn (batch, mask_ratio, echo_crop) are not needed: the
 * inputs are in the file. Whether the fixture is Sorcen or MAGE follows from its tensors.
 */
final class FixtureConfig {
  private FixtureConfig() {}

  static SorcenConfig from(Safetensors file, int droppedPerRow) {
    String json = file.metadata().get("config");
    if (json == null) {
      throw new WeightsException(file.file() + ": no __metadata__.config in the header");
    }
    JsonNode c;
    try {
      c = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new WeightsException(
          file.file() + ": __metadata__.config is not JSON: " + JsonErrors.describe(e));
    }
    SorcenConfig config = new SorcenConfig();
    config.name = file.file().getFileName().toString();
    ModelConfig m = config.model;
    m.codebookSize = required(file, c, "codebook_size");
    m.grid = required(file, c, "grid");
    m.embedDim = required(file, c, "embed_dim");
    m.depth = required(file, c, "depth");
    m.numHeads = required(file, c, "num_heads");
    m.decoderEmbedDim = required(file, c, "decoder_embed_dim");
    m.decoderDepth = required(file, c, "decoder_depth");
    m.decoderNumHeads = required(file, c, "decoder_num_heads");
    m.mlpRatio = c.path("mlp_ratio").asDouble(4.0);
    m.projectorHiddenDim = c.path("projector_hidden_dim").asInt(m.projectorHiddenDim);
    m.projectorDim = c.path("projector_dim").asInt(m.projectorDim);
    m.predictorHiddenDim = c.path("predictor_hidden_dim").asInt(m.predictorHiddenDim);
    m.classifierHiddenDim = c.path("classifier_hidden_dim").asInt(m.classifierHiddenDim);
    m.numClasses =
        file.entries().containsKey("classifier.0.weight") ? c.path("num_classes").asInt(0) : 0;
    m.dropout = 0;
    config.method =
        file.entries().containsKey("blocks_momentum.0.norm1.weight") ? "sorcen" : "mage";
    config.echo.topK = Math.min(config.echo.topK, m.codebookSize - 1);
    // ceil((n − ½)/L · L) = n exactly, whatever the rounding of the division.
    int seqLen = m.seqLen();
    config.masking.dropRate = (droppedPerRow - 0.5) / seqLen;
    config.masking.maskRateMin = Math.max(config.masking.maskRateMin, config.masking.dropRate);
    config.masking.maskRateMean = Math.max(config.masking.maskRateMean, config.masking.maskRateMin);
    config.train.epochs = Math.max(config.train.epochs, config.optimizer.warmupEpochs);
    return config.validated();
  }

  private static int required(Safetensors file, JsonNode c, String key) {
    if (!c.hasNonNull(key)) {
      throw new WeightsException(file.file() + ": __metadata__.config has no '" + key + "'");
    }
    return c.get(key).asInt();
  }
}

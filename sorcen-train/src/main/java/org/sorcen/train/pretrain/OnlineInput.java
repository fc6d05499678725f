package org.sorcen.train.pretrain;

import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.session.BatchInput;

/**
 * The input of a run with train.input "images" (official MAGE tokenizes online): the raw training
 * images and the frozen tokenizer the step encodes them with, checked before anything is written.
 * The token dataset stays the run's dataset for everything else (its held-out split for the
 * evaluators, its grid and codebook against the config), so its ids must be this tokenizer's: the
 * fingerprint its manifest records is compared with the tokenizer's variables.
 */
final class OnlineInput {
  private OnlineInput() {}

  static BatchInput.FromImages open(Trainer.Options o, TokenDataset data, boolean withLabels) {
    SorcenConfig config = o.config();
    if (o.workers() != null) {
      throw new ConfigException(
          "train.input \"images\" runs in one process: leave out --cluster/TF_CONFIG, or train "
              + "on the token dataset (train.input \"tokens\")");
    }
    if (o.images() == null) {
      throw new ConfigException(
          "train.input is \"images\": name the raw training images with --images SRC (an IDX "
              + "directory or a folder of class sub-folders)");
    }
    if (o.tokenizer() == null) {
      throw new ConfigException(
          "train.input is \"images\": the step tokenizes them, so name the tokenizer with "
              + "--tokenizer DIR (a tokenizer SavedModel, the one that made "
              + o.data()
              + ")");
    }
    ImageTokenizer spec = Tokenizer.spec(o.tokenizer());
    String made = data.manifest().tokenizerFingerprint;
    String actual = TokenizerExport.fingerprint(o.tokenizer());
    if (!actual.equals(made)) {
      throw new DataException(
          "the tokenizer "
              + o.tokenizer()
              + " did not make the tokens of "
              + o.data()
              + " (its manifest records "
              + made
              + ", the tokenizer is "
              + actual
              + "): the evaluators would compare "
              + "features of another tokenizer's ids; use the tokenizer that made the dataset, or tokenize with this one");
    }
    spec.requireFits(config.model);
    ImageSet images = ImageSources.read(o.images(), null, spec.channels()).get("train");
    // Grey images (IDX files) are repeated into a colour tokenizer's channels in the step.
    if (images.channels() != spec.channels() && images.channels() != 1) {
      throw new DataException(
          o.images()
              + " holds images of "
              + images.channels()
              + " channels; the tokenizer takes "
              + spec.channels()
              + ": give grey images or images of "
              + spec.channels());
    }
    if (withLabels) {
      for (int i = 0; i < images.count(); i++) {
        long l = images.labels()[i];
        if (l < -1 || l >= config.model.numClasses) {
          throw new DataException(
              o.images()
                  + ": image "
                  + i
                  + " has label "
                  + l
                  + ", outside [-1, "
                  + config.model.numClasses
                  + ")");
        }
      }
    }
    return new BatchInput.FromImages(
        images, spec, o.tokenizer(), config.train.batchSize, config.train.seed, withLabels);
  }
}

package org.sorcen.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.VqTokenizer;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * An image tokenizer (ours or MAGE's VQGAN) as a SavedModel with two signatures, {@code encode} (images uint8 [-1, H_in,
 * W_in, C] → ids int64 [-1, G·G]) and {@code decode} (ids → images uint8 [-1, S, S, C]), built
 * afresh with the inference variables only (encoder, decoder, codebook) and restored from the
 * training checkpoint by name. {@code assets.extra/tokenizer.json} records the kind, the config, the
 * grid, the codebook size and a fingerprint: the SHA-256 of the variables data files, which a token dataset
 * records to say which tokenizer made it.
 */
public final class TokenizerExport {
  public static final String ENCODE = "encode";
  public static final String DECODE = "decode";
  public static final String METADATA = "assets.extra/tokenizer.json";
  private static final List<String> SAVED_MODEL_ENTRIES =
      List.of("saved_model.pb", "variables", "assets.extra");

  private TokenizerExport() {}

  /**
   * Writes the SavedModel into {@code out} (which may hold other files, such as the training
   * checkpoint, but no SavedModel yet) and returns its fingerprint. The model is written into a
   * hidden directory first and its entries moved in only when it is complete.
   */
  public static String write(TokenizerConfig cfg, Path checkpointPrefix, Path out) {
    return write(new VqTokenizer(cfg), checkpointPrefix, out);
  }

  /** {@link #write(TokenizerConfig, Path, Path)} for any kind of tokenizer. */
  public static String write(ImageTokenizer cfg, Path checkpointPrefix, Path out) {
    if (Files.exists(out.resolve("saved_model.pb"))) {
      throw new IllegalArgumentException(
          out + " already holds a SavedModel: choose another --out or remove it");
    }
    Path tmp = out.resolve(".tmp-savedmodel-" + ProcessHandle.current().pid());
    AtomicFiles.writeDirectory(tmp, true, dir -> writeSavedModel(cfg, checkpointPrefix, dir));
    try {
      for (String entry : SAVED_MODEL_ENTRIES) {
        Files.move(tmp.resolve(entry), out.resolve(entry), StandardCopyOption.ATOMIC_MOVE);
      }
      AtomicFiles.deleteTree(tmp);
    } catch (IOException e) {
      throw IoFailure.of("write", out, e);
    }
    return fingerprint(out);
  }

  /** Exports the SavedModel and its card into the empty directory {@code dir}. */
  private static void writeSavedModel(ImageTokenizer cfg, Path checkpointPrefix, Path dir)
      throws IOException {
    SavedModelWriter.write(
        dir,
        tf -> {
          Variables vars = new Variables(tf);
          cfg.declare(vars);
          Placeholder<TUint8> images =
              tf.withName("images")
                  .placeholder(
                      TUint8.class,
                      Placeholder.shape(
                          Shape.of(-1, cfg.inputHeight(), cfg.inputWidth(), cfg.channels())));
          Placeholder<TInt64> ids =
              tf.withName("ids")
                  .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, cfg.seqLen())));
          Operand<TInt64> encoded =
              tf.withName("encoded_ids").identity(cfg.encode(tf, vars::read, images));
          Operand<TUint8> decoded =
              tf.withName("decoded_images").identity(cfg.decode(tf, vars::read, ids));
          CheckpointOps.build(tf, vars);
          return SavedModelWriter.Built.restoring(
              List.of(
                  Signature.builder()
                      .key(ENCODE)
                      .input("images", images)
                      .output("ids", encoded)
                      .build(),
                  Signature.builder()
                      .key(DECODE)
                      .input("ids", ids)
                      .output("images", decoded)
                      .build()),
              checkpointPrefix);
        });
    ObjectNode card = ModelCard.create("sorcen-tokenizer/1");
    card.put("kind", cfg.kind());
    card.put("grid", cfg.grid());
    card.put("seq_len", cfg.seqLen());
    card.put("codebook_size", cfg.codebookSize());
    card.set(
        "input_shape",
        ModelCard.json()
            .valueToTree(new int[] {cfg.inputHeight(), cfg.inputWidth(), cfg.channels()}));
    card.set(
        "output_shape",
        ModelCard.json()
            .valueToTree(new int[] {cfg.outputSize(), cfg.outputSize(), cfg.channels()}));
    card.put("fingerprint_sha256", fingerprint(dir));
    card.set("config", ModelCard.json().readTree(cfg.configJson()));
    ModelCard.write(dir, METADATA, card);
  }

  /** SHA-256 over the variables data files of a tokenizer SavedModel, in name order. */
  public static String fingerprint(Path savedModel) {
    Path dir = savedModel.resolve("variables");
    try {
      return ModelCard.sha256(dir, "variables.data-");
    } catch (IOException e) {
      throw IoFailure.of("read", dir, e);
    }
  }
}

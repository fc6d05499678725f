package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.tensorflow.Signature;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * Checkpoint → SavedModel in the layout TF Serving mounts ({@code <model>/<integer version>/}),
 * built from a fresh inference-only graph restored by variable name, with an
 * {@code assets.extra/model.json} card. Each model is a {@link VersionSet.Member}; a set of them
 * is written all or nothing by {@link VersionSet}.
 */
public final class ModelExport {
  public static final String TAG = SavedModelWriter.TAG;
  public static final String ENCODER = "sorcen-encoder";
  public static final String GENERATOR = "sorcen-generator";
  public static final String IMAGE_GENERATOR = "sorcen-image-generator";
  public static final String TOKENIZER = "sorcen-tokenizer";

  /** Image-encoder card field: whether image_bytes resizes an image that already has the input size. */
  public static final String RESIZES_INPUT_SIZED = "resizes_input_sized_images";

  public static final String IMAGE_ENCODER = "sorcen-image-encoder";

  /** The image encoder's signature for encoded JPEG/PNG images. */
  public static final String IMAGE_BYTES = "image_bytes";

  /** The image encoder's signature for decoded uint8 images of any one size (same transform as image_bytes). */
  public static final String IMAGE_PIXELS = "image_pixels";

  public static final String CARD = "assets.extra/model.json";

  /**
   * The card of the exported model in {@code dir}, for the Java loaders; when it is missing, a
   * usage error saying that {@code dir} is not an exported {@code what}.
   */
  static JsonNode card(Path dir, String what) {
    return ModelCard.read(
        dir,
        CARD,
        () ->
            new IllegalArgumentException(
                dir + " is not an exported " + what + ": " + CARD + " is missing"));
  }

  static final String PREDICT = "tensorflow/serving/predict";

  private ModelExport() {}

  /** Exports the encoder of {@code checkpointPrefix} into {@code root/sorcen-encoder/<version>}. */
  public static Path encoder(
      SorcenConfig config, Path checkpointPrefix, Path root, Integer version) {
    return single(root, version, encoderModel(config, checkpointPrefix));
  }

  /** Exports the generator of {@code checkpointPrefix} into {@code root/sorcen-generator/<version>}. */
  public static Path generator(
      SorcenConfig config, Path checkpointPrefix, Path root, Integer version) {
    return single(root, version, generatorModel(config, checkpointPrefix));
  }

  /**
   * Exports seeds → images: the generator of {@code checkpointPrefix} followed by the decoder of the
   * tokenizer SavedModel {@code tokenizerDir}, into {@code root/sorcen-image-generator/<version>}.
   */
  public static Path imageGenerator(
      SorcenConfig config,
      Path checkpointPrefix,
      ImageTokenizer tokenizer,
      Path tokenizerDir,
      Path root,
      Integer version) {
    return single(
        root, version, imageGeneratorModel(config, checkpointPrefix, tokenizer, tokenizerDir));
  }

  /**
   * Exports images → embeddings: the encoder of the tokenizer SavedModel {@code tokenizerDir}
   * followed by the Sorcen encoder of {@code checkpointPrefix}, into {@code root/sorcen-image-encoder/<version>}.
   */
  public static Path imageEncoder(
      SorcenConfig config,
      Path checkpointPrefix,
      ImageTokenizer tokenizer,
      Path tokenizerDir,
      Path root,
      Integer version) {
    return single(
        root, version, imageEncoderModel(config, checkpointPrefix, tokenizer, tokenizerDir));
  }

  /** Copies a tokenizer SavedModel into {@code root/sorcen-tokenizer/<version>}, atomically. */
  public static Path tokenizer(Path tokenizerDir, Path root, Integer version) {
    return single(root, version, tokenizerModel(tokenizerDir));
  }

  private static Path single(Path root, Integer version, VersionSet.Member member) {
    return VersionSet.write(root, version, List.of(member)).get(0);
  }

  /** The encoder SavedModel of a checkpoint, as a member of a {@link VersionSet}. */
  public static VersionSet.Member encoderModel(SorcenConfig config, Path checkpointPrefix) {
    return model(
        ENCODER,
        config,
        checkpointPrefix,
        tf -> {
          EncoderGraph enc = EncoderGraph.build(tf, config);
          return List.of(
              Signature.builder()
                  .key(Signature.DEFAULT_KEY)
                  .methodName(PREDICT)
                  .input("tokens", enc.tokens())
                  .output("embedding", enc.embedding())
                  .build(),
              Signature.builder()
                  .key("features")
                  .methodName(PREDICT)
                  .input("tokens", enc.tokens())
                  .output("patch_features", enc.patchFeatures())
                  .output("cls", enc.cls())
                  .build());
        },
        "encoder: token ids [-1, L] to embeddings [-1, D] (serving_default); patch features [-1, L, D] and CLS "
            + "[-1, D] (features)");
  }

  /** The generator SavedModel of a checkpoint, as a member of a {@link VersionSet}. */
  public static VersionSet.Member generatorModel(SorcenConfig config, Path checkpointPrefix) {
    return model(
        GENERATOR,
        config,
        checkpointPrefix,
        tf -> {
          GeneratorGraph gen = GeneratorGraph.build(tf, config);
          return List.of(
              Signature.builder()
                  .key(Signature.DEFAULT_KEY)
                  .methodName(PREDICT)
                  .input("seeds", gen.seeds())
                  .input("temperature", gen.temperature())
                  .input("num_iter", gen.numIter())
                  .output("tokens", gen.tokens())
                  .build(),
              Signature.builder()
                  .key("inpaint")
                  .methodName(PREDICT)
                  .input("tokens", gen.known())
                  .input("known_mask", gen.knownMask())
                  .input("seeds", gen.seeds())
                  .input("temperature", gen.temperature())
                  .input("num_iter", gen.numIter())
                  .output("tokens", gen.completed())
                  .build());
        },
        "generator: seeds [-1] (+ temperature "
            + IterativeDecoder.DEFAULT_TEMPERATURE
            + ", num_iter "
            + IterativeDecoder.DEFAULT_STEPS
            + " by default) to token ids [-1, L] by MAGE iterative "
            + "decoding (serving_default); known tokens + known_mask to completed tokens (inpaint)");
  }

  /** Seeds → images (generator, then the tokenizer's decoder), as a member of a {@link VersionSet}. */
  public static VersionSet.Member imageGeneratorModel(
      SorcenConfig config, Path checkpointPrefix, ImageTokenizer tokenizer, Path tokenizerDir) {
    String tokenizerPrefix =
        tokenizerDir.resolve("variables/variables").toAbsolutePath().toString();
    return model(
        IMAGE_GENERATOR,
        config,
        checkpointPrefix,
        tf -> {
          ImageGeneratorGraph g = ImageGeneratorGraph.build(tf, config, tokenizer);
          Op load =
              g.variables().load(tf, checkpointPrefix.toAbsolutePath().toString(), tokenizerPrefix);
          Signature serving =
              Signature.builder()
                  .key(Signature.DEFAULT_KEY)
                  .methodName(PREDICT)
                  .input("seeds", g.seeds())
                  .input("temperature", g.temperature())
                  .input("num_iter", g.numIter())
                  .output("images", g.images())
                  .build();
          return new SavedModelWriter.Built(
              List.of(serving), s -> s.runner().addTarget(load).run());
        },
        "image generator: seeds [-1] (+ temperature "
            + IterativeDecoder.DEFAULT_TEMPERATURE
            + ", num_iter "
            + IterativeDecoder.DEFAULT_STEPS
            + " by default) to uint8 images [-1, S, S, C]: "
            + "MAGE iterative decoding, then the tokenizer's decoder",
        card -> {
          card.put("image_size", tokenizer.outputSize());
          card.put("channels", tokenizer.channels());
          card.put("tokenizer", tokenizerDir.toAbsolutePath().toString());
        });
  }

  /** Images → embeddings (tokenizer's encoder, then the Sorcen encoder), as a member of a {@link VersionSet}. */
  public static VersionSet.Member imageEncoderModel(
      SorcenConfig config, Path checkpointPrefix, ImageTokenizer tokenizer, Path tokenizerDir) {
    String tokenizerPrefix =
        tokenizerDir.resolve("variables/variables").toAbsolutePath().toString();
    int[] input = {tokenizer.inputHeight(), tokenizer.inputWidth(), tokenizer.channels()};
    return model(
        IMAGE_ENCODER,
        config,
        checkpointPrefix,
        tf -> {
          ImageEncoderGraph g = ImageEncoderGraph.build(tf, config, tokenizer);
          Op load =
              g.variables().load(tf, checkpointPrefix.toAbsolutePath().toString(), tokenizerPrefix);
          Signature pixels =
              Signature.builder()
                  .key(Signature.DEFAULT_KEY)
                  .methodName(PREDICT)
                  .input("images", g.images())
                  .output("embedding", g.embedding())
                  .build();
          Signature bytes =
              Signature.builder()
                  .key(IMAGE_BYTES)
                  .methodName(PREDICT)
                  .input("images", g.encoded())
                  .output("embedding", g.bytesEmbedding())
                  .build();
          Signature anySize =
              Signature.builder()
                  .key(IMAGE_PIXELS)
                  .methodName(PREDICT)
                  .input("images", g.anySize())
                  .output("embedding", g.anySizeEmbedding())
                  .build();
          return new SavedModelWriter.Built(
              List.of(pixels, bytes, anySize), s -> s.runner().addTarget(load).run());
        },
        "image encoder: uint8 images [-1, H, W, C] to embeddings [-1, D] (serving_default); JPEG/PNG strings [-1] "
            + "decoded, resized and centre-cropped in-graph, to embeddings (image_bytes); uint8 images [-1, h, w, C] of "
            + "any one size, resized and centre-cropped the same way (image_pixels): the tokenizer's encoder, then "
            + "the Sorcen encoder, in model.compute_dtype "
            + config.model.computeDtype,
        card -> {
          card.put("model", IMAGE_ENCODER);
          card.set("input_shape", ModelCard.json().valueToTree(input));
          card.put("tokenizer_kind", tokenizer.kind());
          card.put("tokenizer_fingerprint_sha256", TokenizerExport.fingerprint(tokenizerDir));
          card.put("tokenizer", tokenizerDir.toAbsolutePath().toString());
          card.put(RESIZES_INPUT_SIZED, tokenizer.resizesInputSizedImages());
          card.put(
              "image_bytes_transform",
              "decode with "
                  + tokenizer.channels()
                  + " channel(s); "
                  + (tokenizer.resizesInputSizedImages()
                      ? ""
                      : "an image of the input size unchanged; otherwise ")
                  + "resize (Keys bicubic, antialiased) keeping the aspect ratio to cover "
                  + EvalTransform.resizedSide(input[0])
                  + "x"
                  + EvalTransform.resizedSide(input[1])
                  + " (the official "
                  + "Resize(292)/CenterCrop(256) ratio), then centre crop to "
                  + input[0]
                  + "x"
                  + input[1]);
        });
  }

  /** A copy of a tokenizer SavedModel (without its training checkpoint), as a member of a {@link VersionSet}. */
  public static VersionSet.Member tokenizerModel(Path tokenizerDir) {
    return new VersionSet.Member(
        TOKENIZER,
        tmp -> {
          try (Stream<Path> walk = Files.walk(tokenizerDir)) {
            for (Path p : walk.toList()) {
              Path q = tmp.resolve(tokenizerDir.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(q);
              } else if (!p.toString().contains("checkpoint")
                  && !p.getFileName().toString().endsWith(".png")) {
                Files.copy(p, q);
              }
            }
          }
        });
  }

  private static VersionSet.Member model(
      String name,
      SorcenConfig config,
      Path checkpointPrefix,
      Function<Ops, List<Signature>> signatures,
      String contents) {
    return model(
        name,
        config,
        checkpointPrefix,
        tf -> SavedModelWriter.Built.restoring(signatures.apply(tf), checkpointPrefix),
        contents,
        null);
  }

  private static VersionSet.Member model(
      String name,
      SorcenConfig config,
      Path checkpointPrefix,
      Function<Ops, SavedModelWriter.Built> build,
      String contents,
      Consumer<ObjectNode> extraCard) {
    return new VersionSet.Member(
        name,
        tmp -> {
          SavedModelWriter.write(tmp, build);
          writeCard(tmp, config, checkpointPrefix, contents, extraCard);
        });
  }

  private static void writeCard(
      Path dir,
      SorcenConfig config,
      Path checkpointPrefix,
      String contents,
      Consumer<ObjectNode> extra)
      throws IOException {
    ObjectNode card = ModelCard.create("sorcen-model/1");
    card.put("contents", contents);
    card.put("method", config.method);
    card.put("grid", config.model.grid);
    card.put("seq_len", config.model.seqLen());
    card.put("codebook_size", config.model.codebookSize);
    card.put("vocab_size", config.model.vocabSize());
    card.put("cls_id", config.model.clsId());
    card.put("mask_id", config.model.maskId());
    card.put("embed_dim", config.model.embedDim);
    card.put("source_checkpoint", checkpointPrefix.toAbsolutePath().toString());
    card.put(
        "source_checkpoint_sha256",
        ModelCard.sha256(
            checkpointPrefix.toAbsolutePath().getParent(),
            checkpointPrefix.getFileName() + ".data-"));
    // Every field of the config's runtime class: the sections a program adds in a subclass are in
    // the card as they are in the run's config.json.
    card.set("config", ModelCard.json().readTree(ConfigLoader.toJson(config)));
    if (extra != null) {
      extra.accept(card);
    }
    ModelCard.write(dir, CARD, card);
  }
}

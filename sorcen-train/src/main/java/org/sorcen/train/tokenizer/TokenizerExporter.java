package org.sorcen.train.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.TokenizerInference;
import org.sorcen.graph.tokenizer.TokenizerModel;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Exports a trained tokenizer as a SavedModel (tag {@code serve}) with two signatures, {@code encode}
 * (images uint8 [-1, H_in, W_in, C] → ids int64 [-1, G·G]) and {@code decode} (ids → images uint8
 * [-1, S, S, C]). The graph is built afresh with inference variables only (encoder, decoder,
 * codebook) and restored from the training checkpoint by name, so no optimizer
 * state or training op is shipped. {@code assets.extra/tokenizer.json} records the config, the grid,
 * the codebook size and a fingerprint: the SHA-256 of the variables data files.
 */
public final class TokenizerExporter {
  public static final String TAG = "serve";
  public static final String ENCODE = "encode";
  public static final String DECODE = "decode";
  public static final String METADATA = "assets.extra/tokenizer.json";

  private TokenizerExporter() {}

  /** Writes the SavedModel into {@code out} (which must not hold one yet) and returns the fingerprint. */
  public static String export(TokenizerConfig cfg, Path checkpoint, Path out) {
    if (Files.exists(out.resolve("saved_model.pb"))) {
      throw new IllegalArgumentException(out + " already holds a SavedModel: choose another --out or remove it");
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      TokenizerModel.declare(vars, cfg, false);
      Placeholder<TUint8> images = tf.withName("images").placeholder(TUint8.class,
          Placeholder.shape(Shape.of(-1, cfg.inputHeight, cfg.inputWidth, cfg.channels)));
      Placeholder<TInt64> ids = tf.withName("ids").placeholder(TInt64.class,
          Placeholder.shape(Shape.of(-1, cfg.seqLen())));
      Operand<TInt64> encoded = tf.withName("encoded_ids")
          .identity(TokenizerInference.encode(tf, vars::read, cfg, images));
      Operand<TUint8> decoded = tf.withName("decoded_images")
          .identity(TokenizerInference.decode(tf, vars::read, cfg, ids));
      CheckpointOps.build(tf, vars);
      try (Session s = new Session(g)) {
        s.restore(checkpoint.toString());
        Signature encode = Signature.builder().key(ENCODE).input("images", images).output("ids", encoded).build();
        Signature decode = Signature.builder().key(DECODE).input("ids", ids).output("images", decoded).build();
        SavedModelBundle.exporter(out.toString()).withTags(TAG).withFunction(SessionFunction.create(encode, s))
            .withSignature(decode).export();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export to " + out + ": " + e.getMessage(), e);
    }
    String fingerprint = fingerprint(out);
    writeMetadata(cfg, out, fingerprint);
    return fingerprint;
  }

  /** SHA-256 over the variables data files, in name order. */
  public static String fingerprint(Path savedModel) {
    Path dir = savedModel.resolve("variables");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> data = files.filter(p -> p.getFileName().toString().startsWith("variables.data-")).sorted().toList();
      if (data.isEmpty()) {
        throw new IllegalArgumentException(dir + " holds no variables.data-* file");
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path p : data) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), sha)) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeMetadata(TokenizerConfig cfg, Path out, String fingerprint) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try {
      ObjectNode root = mapper.createObjectNode();
      root.put("format", "sorcen-tokenizer/1");
      root.put("grid", cfg.grid());
      root.put("seq_len", cfg.seqLen());
      root.put("codebook_size", cfg.codebookSize);
      root.set("input_shape", mapper.valueToTree(new int[] {cfg.inputHeight, cfg.inputWidth, cfg.channels}));
      root.set("output_shape", mapper.valueToTree(new int[] {cfg.imageSize, cfg.imageSize, cfg.channels}));
      root.put("fingerprint_sha256", fingerprint);
      root.set("config", mapper.readTree(ConfigLoader.toJson(cfg)));
      Path file = out.resolve(METADATA);
      Files.createDirectories(file.getParent());
      Files.writeString(file, mapper.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out.resolve(METADATA) + ": " + e.getMessage(), e);
    }
  }
}

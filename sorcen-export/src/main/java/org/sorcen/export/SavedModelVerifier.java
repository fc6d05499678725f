package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Checks an exported model by reading {@code saved_model.pb} with TensorFlow's protobuf classes: an integer version directory, tag {@code serve}, the signatures a Sorcen
 * model of its kind must have with their dtypes and shapes, every op registered in stock
 * TensorFlow, and no placeholder that no signature feeds; then the encoders are run once
 * ({@link FiniteOutputs}) so that NaN or Inf weights fail too.
 */
public final class SavedModelVerifier {
  private SavedModelVerifier() {}

  /** An expected signature tensor: dtype and shape (−1 = any size). */
  record Spec(DataType dtype, long... shape) {}

  public static List<String> problems(Path dir) {
    List<String> problems = new ArrayList<>();
    String version = dir.toAbsolutePath().normalize().getFileName().toString();
    if (!version.matches("\\d+")) {
      problems.add(
          dir
              + ": the model must sit in an integer version directory (<model>/<N>/), not '"
              + version
              + "'");
    }
    MetaGraphDef meta;
    try (InputStream in = Files.newInputStream(dir.resolve("saved_model.pb"))) {
      SavedModel sm = SavedModel.parseFrom(in);
      meta =
          sm.getMetaGraphsList().stream()
              .filter(m -> m.getMetaInfoDef().getTagsList().contains(ModelExport.TAG))
              .findFirst()
              .orElse(null);
    } catch (IOException e) {
      problems.add(dir.resolve("saved_model.pb") + " cannot be read: " + e.getMessage());
      return problems;
    }
    if (meta == null) {
      problems.add(dir + ": no meta graph tagged '" + ModelExport.TAG + "'");
      return problems;
    }
    Map<String, Map<String, Map<String, Spec>>> expected = expectedSignatures(dir, problems);
    Map<String, SignatureDef> sigs = meta.getSignatureDefMap();
    for (var sig : expected.entrySet()) {
      SignatureDef def = sigs.get(sig.getKey());
      if (def == null) {
        problems.add("signature '" + sig.getKey() + "' is missing; the model has " + sigs.keySet());
        continue;
      }
      check(problems, sig.getKey() + " input", def.getInputsMap(), sig.getValue().get("inputs"));
      check(problems, sig.getKey() + " output", def.getOutputsMap(), sig.getValue().get("outputs"));
    }
    Set<String> registered =
        TensorFlow.registeredOpList().getOpList().stream()
            .map(o -> o.getName())
            .collect(Collectors.toSet());
    Set<String> fed = new HashSet<>();
    sigs.values()
        .forEach(s -> s.getInputsMap().values().forEach(t -> fed.add(nodeOf(t.getName()))));
    fed.add(nodeOf(meta.getSaverDef().getFilenameTensorName()));
    Set<String> unknownOps = new TreeSet<>();
    for (NodeDef n : meta.getGraphDef().getNodeList()) {
      if (!registered.contains(n.getOp())) {
        unknownOps.add(n.getOp());
      }
      if (n.getOp().equals("Placeholder") && !fed.contains(n.getName())) {
        problems.add("placeholder '" + n.getName() + "' is fed by no signature");
      }
    }
    if (!unknownOps.isEmpty()) {
      problems.add("ops not registered in stock TensorFlow: " + unknownOps);
    }
    if (problems.isEmpty()) {
      problems.addAll(
          FiniteOutputs.problems(dir)); // a well-formed model may still hold NaN weights
    }
    return problems;
  }

  private static void check(
      List<String> problems, String what, Map<String, TensorInfo> actual, Map<String, Spec> specs) {
    for (var e : specs.entrySet()) {
      TensorInfo t = actual.get(e.getKey());
      if (t == null) {
        problems.add(what + " '" + e.getKey() + "' is missing; it has " + actual.keySet());
        continue;
      }
      Spec s = e.getValue();
      if (t.getDtype() != s.dtype()) {
        problems.add(what + " '" + e.getKey() + "' is " + t.getDtype() + ", expected " + s.dtype());
      }
      long[] dims = t.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
      if (t.getTensorShape().getUnknownRank() || !Arrays.equals(dims, s.shape())) {
        problems.add(
            what
                + " '"
                + e.getKey()
                + "' has shape "
                + Arrays.toString(dims)
                + ", expected "
                + Arrays.toString(s.shape()));
      }
    }
  }

  /** What a model of this kind must offer, from its card (L, D) and its directory name (kind). */
  private static Map<String, Map<String, Map<String, Spec>>> expectedSignatures(
      Path dir, List<String> problems) {
    String card =
        !Files.isRegularFile(dir.resolve(ModelExport.CARD))
                && Files.isRegularFile(dir.resolve(TOKENIZER_CARD))
            ? TOKENIZER_CARD
            : ModelExport.CARD;
    JsonNode c;
    try {
      c = ModelCard.read(dir, card, IllegalStateException::new);
    } catch (RuntimeException e) {
      problems.add(
          dir.resolve(card) + " is missing or unreadable: every exported model carries a card");
      return Map.of();
    }
    long l = c.path("seq_len").asLong();
    long d = c.path("embed_dim").asLong();
    String kind = dir.toAbsolutePath().normalize().getParent().getFileName().toString();
    Spec ids = new Spec(DataType.DT_INT64, -1, l);
    Spec seeds = new Spec(DataType.DT_INT64, -1);
    Spec temperature = new Spec(DataType.DT_FLOAT);
    Spec steps = new Spec(DataType.DT_INT32);
    return switch (kind) {
      case ModelExport.ENCODER ->
          Map.of(
              "serving_default",
                  Map.of(
                      "inputs",
                      Map.of("tokens", ids),
                      "outputs",
                      Map.of("embedding", new Spec(DataType.DT_FLOAT, -1, d))),
              "features",
                  Map.of(
                      "inputs",
                      Map.of("tokens", ids),
                      "outputs",
                      Map.of(
                          "patch_features",
                          new Spec(DataType.DT_FLOAT, -1, l, d),
                          "cls",
                          new Spec(DataType.DT_FLOAT, -1, d))));
      case ModelExport.GENERATOR ->
          Map.of(
              "serving_default",
                  Map.of(
                      "inputs",
                      Map.of("seeds", seeds, "temperature", temperature, "num_iter", steps),
                      "outputs",
                      Map.of("tokens", ids)),
              "inpaint",
                  Map.of(
                      "inputs",
                      Map.of(
                          "tokens",
                          ids,
                          "known_mask",
                          new Spec(DataType.DT_BOOL, -1, l),
                          "seeds",
                          seeds,
                          "temperature",
                          temperature,
                          "num_iter",
                          steps),
                      "outputs",
                      Map.of("tokens", ids)));
      case ModelExport.IMAGE_GENERATOR ->
          Map.of(
              "serving_default",
              Map.of(
                  "inputs",
                  Map.of("seeds", seeds, "temperature", temperature, "num_iter", steps),
                  "outputs",
                  Map.of(
                      "images",
                      new Spec(
                          DataType.DT_UINT8,
                          -1,
                          c.path("image_size").asLong(),
                          c.path("image_size").asLong(),
                          c.path("channels").asLong()))));
      case ModelExport.IMAGE_ENCODER -> {
        long[] in = longs(c.path("input_shape"));
        Spec embedding = new Spec(DataType.DT_FLOAT, -1, d);
        yield Map.of(
            "serving_default",
            Map.of(
                "inputs",
                Map.of("images", new Spec(DataType.DT_UINT8, -1, in[0], in[1], in[2])),
                "outputs",
                Map.of("embedding", embedding)),
            ModelExport.IMAGE_BYTES,
            Map.of(
                "inputs",
                Map.of("images", new Spec(DataType.DT_STRING, -1)),
                "outputs",
                Map.of("embedding", embedding)));
      }
      case ModelExport.TOKENIZER -> {
        long[] in = longs(c.path("input_shape"));
        long[] out = longs(c.path("output_shape"));
        Spec images = new Spec(DataType.DT_UINT8, -1, in[0], in[1], in[2]);
        Spec decoded = new Spec(DataType.DT_UINT8, -1, out[0], out[1], out[2]);
        yield Map.of(
            "encode",
            Map.of("inputs", Map.of("images", images), "outputs", Map.of("ids", ids)),
            "decode",
            Map.of("inputs", Map.of("ids", ids), "outputs", Map.of("images", decoded)));
      }
      default -> {
        problems.add(
            dir
                + ": unknown model kind '"
                + kind
                + "' (the parent directory must be one of "
                + List.of(
                    ModelExport.ENCODER,
                    ModelExport.GENERATOR,
                    ModelExport.IMAGE_GENERATOR,
                    ModelExport.IMAGE_ENCODER,
                    ModelExport.TOKENIZER)
                + ")");
        yield Map.of();
      }
    };
  }

  static final String TOKENIZER_CARD = "assets.extra/tokenizer.json";

  private static long[] longs(JsonNode array) {
    long[] v = new long[3];
    for (int i = 0; i < Math.min(3, array.size()); i++) {
      v[i] = array.get(i).asLong();
    }
    return v;
  }

  private static String nodeOf(String tensorName) {
    int colon = tensorName.indexOf(':');
    return colon < 0 ? tensorName : tensorName.substring(0, colon);
  }
}

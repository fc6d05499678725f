package org.sorcen.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fields of two resolved configs differ, as dotted keys. Fields that only change how a run
 * is observed (logging, checkpoint cadence, evaluators) may differ on resume and between the
 * workers of a data-parallel run ({@link #mayDiffer}, the one rule for both); any other difference
 * would change what the run computes. A field that a saved config predates stands for the
 * behaviour the code had before the field existed ({@link #BEFORE_THE_FIELD}), so a run written
 * then can be resumed by naming that behaviour.
 */
public final class ConfigDiff {
  static final Set<String> MAY_DIFFER =
      Set.of(
          "name",
          "train.log_every_steps",
          "train.checkpoint_every_steps",
          "train.checkpoint_every_minutes",
          "train.keep_checkpoints");

  /** A section that may differ as a whole: the evaluators run on the chief only. */
  static final String MAY_DIFFER_SECTION = "eval";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Fields added after runs were written, with the value that behaves as the code did before: the
   * momentum projector moved by the EMA alone in runs written before its field existed; one process has global statistics;
   * every run trained on precomputed tokens until online tokenization (train.input) came, and the
   * crop settings, which only images use, had their defaults.
   */
  static final Map<String, JsonNode> BEFORE_THE_FIELD =
      Map.of(
          "ema.momentum_projector", TextNode.valueOf("ema"),
          "train.batch_norm_statistics", TextNode.valueOf("global"),
          "train.input", TextNode.valueOf("tokens"),
          "train.crop_scale_min", DoubleNode.valueOf(0.2),
          "train.crop_scale_max", DoubleNode.valueOf(1.0),
          "train.horizontal_flip", BooleanNode.TRUE,
          "train.crop_interpolation", TextNode.valueOf("bilinear"));

  private ConfigDiff() {}

  /** Dotted keys whose values differ and matter for resuming. */
  public static List<String> incompatible(String savedJson, String currentJson) {
    List<String> out = new ArrayList<>();
    try {
      diff("", JSON.readTree(savedJson), JSON.readTree(currentJson), out);
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable config: " + e.getMessage(), e);
    }
    out.removeIf(k -> mayDiffer(k.split(" ")[0]));
    return out;
  }

  /** Whether the field at dotted {@code key} only changes how a run is observed. */
  static boolean mayDiffer(String key) {
    return MAY_DIFFER.contains(key)
        || key.equals(MAY_DIFFER_SECTION)
        || key.startsWith(MAY_DIFFER_SECTION + ".");
  }

  /**
   * A digest of each top-level section of a resolved config without the fields that {@link
   * #mayDiffer}, in the config's order: what the workers of a run must agree on at start-up.
   */
  public static Map<String, Long> sectionDigests(String json) {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      JsonNode config = JSON.readTree(json);
      withoutMayDiffer("", config);
      for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
        String section = it.next();
        out.put(section, digest(JSON.writeValueAsString(config.get(section))));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable config: " + e.getMessage(), e);
    }
    return out;
  }

  private static void withoutMayDiffer(String path, JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> drop = new ArrayList<>();
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        String key = path.isEmpty() ? name : path + "." + name;
        if (mayDiffer(key)) {
          drop.add(name);
        } else {
          withoutMayDiffer(key, object.get(name));
        }
      }
      object.remove(drop);
    }
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        diff(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
      }
    } else if (a == null && BEFORE_THE_FIELD.containsKey(path)) {
      JsonNode before = BEFORE_THE_FIELD.get(path);
      if (!before.equals(b)) {
        out.add(
            path
                + " (was "
                + before
                + ", as before the field existed; now "
                + b
                + ": pass --set "
                + path
                + "="
                + before.asText()
                + " to resume)");
      }
    } else if (a == null || b == null || !a.equals(b)) {
      out.add(path + " (was " + a + ", now " + b + ")");
    }
  }

  /** The first 64 bits of {@link #hash}: a digest that fits a slot of the workers' agreement. */
  public static long digest(String text) {
    return Long.parseUnsignedLong(hash(text).substring(0, 16), 16);
  }

  /** SHA-256 of the resolved config JSON, for checkpoint sidecars. */
  public static String hash(String json) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

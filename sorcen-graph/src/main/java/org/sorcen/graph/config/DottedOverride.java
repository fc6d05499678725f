package org.sorcen.graph.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Applies one {@code a.b.c=value} override to a config tree before binding, so that the binder's
 * unknown-key check and the validator judge overridden values like any other.
 */
final class DottedOverride {
  private DottedOverride() {}

  static void apply(ObjectNode root, String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null) {
        child = node.putObject(parts[i]);
      } else if (!child.isObject()) {
        throw new ConfigException(
            "override " + dottedKey + ": '" + parts[i] + "' is not a section");
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], parseValue(value));
  }

  /** Numbers, booleans and null as JSON; anything else as a string. */
  private static JsonNode parseValue(String value) {
    try {
      JsonNode parsed = ConfigLoader.mapper().readTree(value);
      if (parsed != null && (parsed.isValueNode() || parsed.isContainerNode())) {
        return parsed;
      }
    } catch (JsonProcessingException e) {
      // not JSON: a bare word such as mage or bfloat16
    }
    return TextNode.valueOf(value);
  }
}

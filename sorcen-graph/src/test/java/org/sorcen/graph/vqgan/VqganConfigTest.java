package org.sorcen.graph.vqgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigException;

/** The VQGAN config: the official config/vqgan.yaml keys and defaults, and one-line errors naming the key. */
class VqganConfigTest {
  @Test
  void anEmptyObjectIsTheOfficialConfigAndAPartialDdconfigKeepsTheOtherOfficialValues() {
    VqganConfig official = VqganConfig.parse("{}", "test");
    assertEquals(256, official.embedDim);
    assertEquals(1024, official.nEmbed);
    assertEquals(256, official.ddconfig.resolution);
    assertArrayEquals(new int[] {1, 1, 2, 2, 4}, official.ddconfig.chMult);
    assertEquals(16, official.grid());
    assertEquals(256, official.seqLen());

    VqganConfig partial = VqganConfig.parse("{\"ddconfig\": {\"ch_mult\": [1, 2]}}", "test");
    assertArrayEquals(new int[] {1, 2}, partial.ddconfig.chMult);
    assertEquals(128, partial.ddconfig.ch);
    assertEquals(128, partial.grid());

    // What it writes reads back the same, under the official key names.
    String json = official.toJson();
    for (String key :
        new String[] {
          "\"embed_dim\"",
          "\"n_embed\"",
          "\"double_z\"",
          "\"z_channels\"",
          "\"in_channels\"",
          "\"out_ch\"",
          "\"ch_mult\"",
          "\"num_res_blocks\"",
          "\"attn_resolutions\"",
          "\"dropout\""
        }) {
      assertTrue(json.contains(key), key + " in " + json);
    }
    assertEquals(json, VqganConfig.parse(json, "again").toJson());
  }

  @Test
  void problemsAreOneLineNamingEachKey() {
    ConfigException unknown =
        assertThrows(
            ConfigException.class,
            () -> VqganConfig.parse("{\"ddconfig\": {\"resamp_with_conv\": true}}", "v.json"));
    assertTrue(unknown.getMessage().contains("resamp_with_conv"), unknown.getMessage());

    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () ->
                VqganConfig.parse(
                    "{\"embed_dim\": 16, \"ddconfig\": {\"ch\": 48, \"double_z\": true, \"resolution\": 250}}",
                    "v.json"));
    String m = bad.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.startsWith("v.json: "), m);
    for (String key :
        new String[] {
          "ddconfig.ch must be a positive multiple of 32",
          "ddconfig.double_z",
          "ddconfig.z_channels (256) must equal embed_dim (16)",
          "ddconfig.resolution (250)"
        }) {
      assertTrue(m.contains(key), key + " in " + m);
    }
  }
}

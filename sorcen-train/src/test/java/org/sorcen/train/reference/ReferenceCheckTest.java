package org.sorcen.train.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.cli.SorcenCli;

class ReferenceCheckTest {
  /** The fixture in data/reference (Maven runs tests in the module directory); -Dsorcen.fixtures=DIR overrides. */
  static Path fixture() {
    Path dir = Path.of(System.getProperty("sorcen.fixtures", "../data/reference"));
    return dir.resolve("sorcen-reference-tiny.safetensors");
  }

  @Test
  void everyExpectedTensorOfTheFixtureMatches() {
    ReferenceCheck.Report report = ReferenceCheck.run(fixture());
    assertEquals("sorcen", report.method());
    assertEquals(11, report.rows().size());
    for (ReferenceCheck.Row r : report.rows()) {
      assertTrue(
          r.passed(),
          r.name() + " abs " + r.maxAbsolute() + " rel " + r.maxRelative() + " " + r.problem());
    }
    assertTrue(report.unused().isEmpty(), "unused: " + report.unused());
  }

  /**
   * The fixture written by tools/official-fixtures/make_fixtures.py from the official PyTorch code
   * itself. Besides expected.* it holds the official linear-probe feature, which the graph's
   * embedding must reproduce (ALGORITHM.md §8); nothing in the file is left unused.
   */
  @Test
  void everyExpectedTensorOfTheOfficialCodeFixtureMatches() {
    Path dir = fixture().getParent();
    ReferenceCheck.Report report =
        ReferenceCheck.run(dir.resolve("official-forward-tiny.safetensors"));
    assertEquals("sorcen", report.method());
    assertEquals(12, report.rows().size());
    for (ReferenceCheck.Row r : report.rows()) {
      assertTrue(
          r.passed(),
          r.name() + " abs " + r.maxAbsolute() + " rel " + r.maxRelative() + " " + r.problem());
    }
    assertTrue(
        report.rows().stream().anyMatch(r -> r.name().equals("extra.official_probe_feature")),
        "the probe feature is compared");
    assertTrue(report.unused().isEmpty(), "unused: " + report.unused());
  }

  @Test
  void theCommandExitsZeroOnTheFixture() {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = SorcenCli.commandLine().execute("verify-reference", fixture().toString());
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertTrue(text.contains("expected.logits") && text.contains("PASS"), text);
  }

  @Test
  void aFixtureWhoseConfigDisagreesWithItsWeightsIsRefusedByName(@TempDir Path tmp)
      throws Exception {
    byte[] bytes = Files.readAllBytes(fixture());
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) b.getLong(0);
    String header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
    // Same header length, other width: every embed_dim-shaped tensor now disagrees.
    String changed = header.replace("\\\"embed_dim\\\": 32", "\\\"embed_dim\\\": 64");
    assertEquals(header.length(), changed.length());
    System.arraycopy(changed.getBytes(StandardCharsets.UTF_8), 0, bytes, 8, headerLen);
    Path bad = tmp.resolve("bad.safetensors");
    Files.write(bad, bytes);
    WeightsException e = assertThrows(WeightsException.class, () -> ReferenceCheck.run(bad));
    assertTrue(
        e.getMessage().contains("token_emb.word_embeddings.weight")
            && e.getMessage().contains("[1065, 32]"),
        e.getMessage());
  }
}

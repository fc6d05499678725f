package org.sorcen.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {
  private static final String CARD = "assets.extra/model.json";

  @Test
  void readsWhatTheWriterWrote(@TempDir Path dir) throws IOException {
    ObjectNode card = ModelCard.create("sorcen-model/1");
    card.put("seq_len", 16);
    ModelCard.write(dir, CARD, card);
    var read = ModelCard.read(dir, CARD, IllegalStateException::new);
    assertEquals("sorcen-model/1", read.path("format").asText());
    assertEquals(16, read.path("seq_len").asInt());
  }

  @Test
  void aMissingCardIsTheLoadersOwnError(@TempDir Path dir) {
    IllegalArgumentException mine = new IllegalArgumentException("not an encoder");
    assertSame(
        mine, assertThrows(RuntimeException.class, () -> ModelCard.read(dir, CARD, () -> mine)));
  }

  @Test
  void aCutCardNamesTheFile(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("assets.extra"));
    Files.writeString(dir.resolve(CARD), "{\"format\": \"sorcen-mo");
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> ModelCard.read(dir, CARD, IllegalStateException::new));
    assertTrue(e.getMessage().contains(dir.resolve(CARD).toString()), e.getMessage());
  }
}

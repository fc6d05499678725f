package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The JSON card every exported model carries under {@code assets.extra/}: what it is, how it was
 * made, what a loader checks. One writer, one reader and one digest for all of them.
 */
public final class ModelCard {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelCard() {}

  /** A new card with its {@code format} field. */
  public static ObjectNode create(String format) {
    ObjectNode card = JSON.createObjectNode();
    card.put("format", format);
    return card;
  }

  /** Writes {@code card} to {@code dir/relative} (e.g. {@code assets.extra/model.json}). */
  public static void write(Path dir, String relative, ObjectNode card) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(card) + "\n");
  }

  /**
   * The card at {@code dir/relative}, parsed: the one reader of every loader. When the file is
   * missing, {@code missing} makes the loader's own error (it says what {@code dir} should have
   * been); an unreadable or cut file is an {@link UncheckedIOException} naming it.
   */
  public static JsonNode read(Path dir, String relative, Supplier<RuntimeException> missing) {
    Path file = dir.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw missing.get();
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static ObjectMapper json() {
    return JSON;
  }

  /** SHA-256 over the files of {@code dir} whose names start with {@code prefix}, in name order. */
  public static String sha256(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> data =
          files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
      if (data.isEmpty()) {
        throw new IOException(dir + " holds no " + prefix + "* file");
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path p : data) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), sha)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.sorcen.train.embed;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code .txt} next to an embedding {@code .npy} has one line per row, so a file name must not
 * break a line or lose its bytes. Names are written as their raw bytes: printable UTF-8 as it is,
 * and {@code \\} for a backslash, {@code \n}, {@code \r}, {@code \t}, and {@code \xNN} for every
 * other byte (control characters, U+2028/U+2029, bytes that are not UTF-8). Reading a line back:
 * undo those four escapes and {@code \xNN} to get the exact bytes of the path.
 */
public final class SidecarNames {
  private SidecarNames() {}

  /** {@code file}'s path below {@code dir}, '/'-separated and escaped. */
  public static String relative(Path dir, Path file) {
    Path rel = dir.relativize(file);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < rel.getNameCount(); i++) {
      if (i > 0) {
        s.append('/');
      }
      s.append(escape(rawBytes(rel.getName(i))));
    }
    return s.toString();
  }

  /**
   * The bytes of one name element as the file system holds them: a Path decodes them for
   * toString (a byte that is not UTF-8 becomes U+FFFD), but its URI percent-encodes the raw bytes.
   */
  static byte[] rawBytes(Path element) {
    String uri = element.toUri().getRawPath();
    if (uri.endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1); // a directory's URI ends with '/'
    }
    uri = uri.substring(uri.lastIndexOf('/') + 1);
    ByteBuffer out = ByteBuffer.allocate(uri.length());
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' && i + 2 < uri.length()) {
        out.put((byte) Integer.parseInt(uri.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.put((byte) c);
      }
    }
    byte[] b = new byte[out.position()];
    out.flip().get(b);
    return b;
  }

  /** Escapes raw name bytes as the class comment says. */
  public static String escape(byte[] b) {
    StringBuilder s = new StringBuilder();
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        switch (c) {
          case '\\' -> s.append("\\\\");
          case '\n' -> s.append("\\n");
          case '\r' -> s.append("\\r");
          case '\t' -> s.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x7f) {
              hex(s, c);
            } else {
              s.append((char) c);
            }
          }
        }
        i++;
        continue;
      }
      int len =
          c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
      String decoded = len > 0 && i + len <= b.length ? strictUtf8(b, i, len) : null;
      if (decoded != null && printable(decoded.codePointAt(0))) {
        s.append(decoded);
        i += len;
      } else {
        for (int k = 0; k < (decoded != null ? len : 1); k++) {
          hex(s, b[i + k] & 0xff);
        }
        i += decoded != null ? len : 1;
      }
    }
    return s.toString();
  }

  private static String strictUtf8(byte[] b, int from, int len) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, from, len))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Not a control character, not a line or paragraph separator (which some readers split lines at). */
  private static boolean printable(int cp) {
    int t = Character.getType(cp);
    return t != Character.CONTROL
        && t != Character.LINE_SEPARATOR
        && t != Character.PARAGRAPH_SEPARATOR
        && t != Character.UNASSIGNED
        && t != Character.SURROGATE;
  }

  private static void hex(StringBuilder s, int b) {
    s.append(String.format("\\x%02x", b));
  }
}

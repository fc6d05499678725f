package org.sorcen.graph.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/**
 * One readable line for a JSON file that does not parse: where, and what the parser expected.
 * Jackson's own message ends in a "[Source: ...]" location dump that tells a user nothing more.
 */
public final class JsonErrors {
  private JsonErrors() {}

  /** "malformed JSON at line L, column C: what" (or the plain I/O message for other failures). */
  public static String describe(IOException e) {
    if (e instanceof JsonProcessingException j) {
      JsonLocation at = j.getLocation();
      String where =
          at != null && at.getLineNr() > 0
              ? " at line " + at.getLineNr() + ", column " + at.getColumnNr()
              : "";
      return "malformed JSON" + where + ": " + j.getOriginalMessage();
    }
    return e.getMessage();
  }
}

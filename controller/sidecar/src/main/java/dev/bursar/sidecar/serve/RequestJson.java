package dev.bursar.sidecar.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The first look at a request body, before it is decoded: it must be one JSON object, nested at
 * most {@link #MAX_DEPTH} deep, with nothing after it. One streaming pass, no recursion, so a
 * deeply nested body cannot overflow the stack.
 */
final class RequestJson {
  static final int MAX_DEPTH = 32;
  private static final JsonFactory FACTORY = dev.bursar.backends.openai.PooledJson.FACTORY;

  private RequestJson() {}

  /** @throws ApiException 400 saying what is wrong with the body's structure */
  static void check(@Nullable String body, String example) {
    if (body == null || body.isBlank()) {
      throw ApiException.invalid(null, "empty_body", "the request body is empty: send a JSON object, e.g. " + example);
    }
    boolean closed = false;
    try (JsonParser p = FACTORY.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw ApiException.invalid(null, "invalid_json", "the request body must be a JSON object, e.g. " + example
            + "; it starts with " + (first == null ? "nothing" : first.asString() == null ? first.name() : first.asString()));
      }
      int depth = 1;
      while (depth > 0) {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw ApiException.invalid(null, "invalid_json", "the request body ends before its JSON object is closed");
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (++depth > MAX_DEPTH) {
            throw ApiException.invalid(null, "too_deep", "the request body is nested more than " + MAX_DEPTH
                + " levels deep (at character " + p.currentLocation().getCharOffset() + "); send a flat request like " + example);
          }
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        }
      }
      closed = true;
      JsonToken after = p.nextToken();
      if (after != null) {
        throw ApiException.invalid(null, "trailing_data", "the request body has more after its JSON object (at character "
            + p.currentTokenLocation().getCharOffset() + "): send exactly one object");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var at = e.getLocation();
      String where = at == null ? "" : ", at line " + at.getLineNr() + ", column " + at.getColumnNr();
      if (closed) {
        throw ApiException.invalid(null, "trailing_data", "the request body has more after its JSON object" + where
            + ": send exactly one object");
      }
      throw ApiException.invalid(null, "invalid_json", "the request body is not valid JSON ("
          + e.getOriginalMessage().replaceAll("\\s+", " ").strip() + where + "); send JSON like " + example);
    } catch (IOException e) {
      throw ApiException.invalid(null, "invalid_json", "the request body cannot be read: " + e.getMessage());
    }
  }
}

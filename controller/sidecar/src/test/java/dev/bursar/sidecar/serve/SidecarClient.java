package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** Sends requests to the sidecar under test and reads any status (2xx or not) with its JSON body. */
final class SidecarClient {
  private final HttpClient client;
  private final JsonMapper json;

  SidecarClient(HttpClient client, JsonMapper json) {
    this.client = client;
    this.json = json;
  }

  /** A response: status, {@code Retry-After} and the parsed JSON body. */
  record Reply(int status, @Nullable String retryAfter, JsonNode body) {
    /** {@return the text at a dotted path such as {@code error.message}} */
    String text(String path) {
      return node(path).getStringValue();
    }

    long number(String path) {
      return node(path).getLongValue();
    }

    JsonNode node(String path) {
      JsonNode n = body;
      for (String key : path.split("\\.")) {
        JsonNode next = key.matches("\\d+") ? n.get(Integer.parseInt(key)) : n.get(key);
        if (next == null) throw new AssertionError("no " + path + " in " + body);
        n = next;
      }
      return n;
    }

    boolean has(String path) {
      try {
        node(path);
        return true;
      } catch (AssertionError e) {
        return false;
      }
    }
  }

  /** Posts {@code body} verbatim as JSON to the chat completions endpoint. */
  Reply chat(String body) {
    return exchange(HttpRequest.POST("/v1/chat/completions", body).contentType(MediaType.APPLICATION_JSON_TYPE));
  }

  /** A chat request with one user message. */
  Reply ask(String question) {
    return chat("{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}");
  }

  Reply exchange(HttpRequest<?> request) {
    try {
      HttpResponse<String> r = client.toBlocking().exchange(request, String.class);
      return parse(r.getStatus().getCode(), r.getHeaders().get(HttpHeaders.RETRY_AFTER), r.getBody().orElse(""));
    } catch (HttpClientResponseException e) {
      return parse(e.getStatus().getCode(), e.getResponse().getHeaders().get(HttpHeaders.RETRY_AFTER),
          e.getResponse().getBody(String.class).orElse(""));
    }
  }

  private Reply parse(int status, @Nullable String retryAfter, String body) {
    try {
      return new Reply(status, retryAfter, json.readValue(body, JsonNode.class));
    } catch (IOException e) {
      throw new UncheckedIOException("status " + status + ", body is not JSON: " + body, e);
    }
  }
}

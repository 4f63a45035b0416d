package dev.bursar.sidecar.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.openai.UpstreamClient;
import dev.bursar.controller.BackendException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Sends a client's request to the upstream unchanged but for three edits: {@code model} becomes
 * the upstream's, bursar's own {@code bursar} object is removed, and a thinking budget is added in
 * the upstream's dialect. The upstream's status and body come back as they are, a successful body
 * with bursar's {@code bursar} object added; a stream is relayed line by line, and closing it
 * (the client went away) closes the upstream's stream, which stops its generation.
 */
final class Passthrough {
  private static final ObjectMapper JSON = dev.bursar.backends.openai.PooledJson.mapper();

  private final UpstreamClient client;
  private final String model;
  private final String dialect;
  private final AtomicLong passed = new AtomicLong();

  Passthrough(UpstreamClient client, String model, String dialect) {
    this.client = client;
    this.model = model;
    this.dialect = dialect;
  }

  String model() {
    return model;
  }

  UpstreamClient client() {
    return client;
  }

  /** {@return how many requests went through unchanged} */
  long passed() {
    return passed.get();
  }

  /**
   * {@return the body to send}: the client's, with the upstream's model, without {@code bursar}, and with
   * the thinking budget of {@code effort} in the upstream's dialect (unless the client set one itself)
   */
  String rewrite(String body, @Nullable String effort) {
    ObjectNode b;
    try {
      b = (ObjectNode) JSON.readTree(body);
    } catch (JsonProcessingException | ClassCastException e) {
      throw ApiException.invalid(null, "invalid_json", "the request body is not a JSON object");
    }
    b.put("model", model);
    b.remove("bursar");
    if (effort != null) {
      int thinking = ReasoningEffort.thinkingTokens(effort);
      switch (dialect) {
        case "vllm" -> {
          if (!b.has("thinking_token_budget")) b.put("thinking_token_budget", thinking);
        }
        case "llamacpp", "sglang" -> {
          if (thinking == 0 && !b.has("chat_template_kwargs")) b.putObject("chat_template_kwargs").put("enable_thinking", false);
        }
        default -> {} // OpenAI and Ollama read reasoning_effort itself, which the body already carries
      }
    }
    try {
      return JSON.writeValueAsString(b); // not b.toString(): that writes through Jackson's own mapper, without the shared buffers
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that was just parsed cannot be written", e);
    }
  }

  /** Sends {@code body} (already rewritten) and returns the upstream's answer with bursar's note added. */
  MutableHttpResponse<?> forward(String path, String body, @Nullable String key, @Nullable String why) {
    passed.incrementAndGet();
    try {
      return answer(client.post(path, body, key), why);
    } catch (BackendException e) {
      throw failure(e);
    }
  }

  /**
   * {@link #forward} with no thread waiting for the upstream; fails with an {@link ApiException}.
   * Cancelling it cancels the upstream's exchange.
   */
  java.util.concurrent.CompletableFuture<MutableHttpResponse<?>> forwardAsync(String path, String body, @Nullable String key) {
    passed.incrementAndGet();
    var sent = client.postAsync(path, body, key);
    java.util.concurrent.CompletableFuture<MutableHttpResponse<?>> answer = sent.handle((r, thrown) -> {
      if (thrown == null) return answer(r, null);
      Throwable e = thrown instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : thrown;
      throw e instanceof BackendException b ? failure(b) : e instanceof RuntimeException re ? re : new IllegalStateException(e);
    });
    answer.whenComplete((r, e) -> {
      if (answer.isCancelled()) sent.cancel(true);
    });
    return answer;
  }

  private static MutableHttpResponse<?> answer(UpstreamClient.Response r, @Nullable String why) {
    String out = r.status() == 200 ? withNote(r.body(), why) : r.body();
    return HttpResponse.status(status(r.status())).contentType(r.contentType()).body(out.getBytes(StandardCharsets.UTF_8));
  }

  /** Relays the upstream's event stream; cancelling the returned flux closes the upstream's stream. */
  MutableHttpResponse<?> stream(String path, String body, @Nullable String key) {
    passed.incrementAndGet();
    UpstreamClient.StreamResponse r;
    try {
      r = client.postStream(path, body, key);
    } catch (BackendException e) {
      throw failure(e);
    }
    InputStream in = r.body();
    if (r.status() != 200) {
      try (in) {
        byte[] err = in.readNBytes(256 * 1024);
        return HttpResponse.status(status(r.status())).contentType("application/json").body(err);
      } catch (IOException e) {
        throw ApiException.upstream("the upstream answered " + r.status() + " and its body could not be read: " + e.getMessage());
      }
    }
    Flux<byte[]> relay = Flux.<byte[]>create(sink -> {
      Thread reader = Thread.ofVirtual().name("bursar-relay").start(() -> {
        try (var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          boolean done = false;
          while (!sink.isCancelled() && (line = lines.readLine()) != null) {
            if (line.startsWith("data:") && line.substring(5).strip().equals("[DONE]")) done = true;
            sink.next((line + "\n").getBytes(StandardCharsets.UTF_8));
          }
          if (!done && !sink.isCancelled()) {
            // Cut short: say so, so the client does not take a partial answer for a whole one.
            sink.next(("\ndata: " + errorEvent("the upstream's stream ended before it finished (no [DONE])") + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
          }
          sink.complete();
        } catch (IOException e) {
          if (sink.isCancelled()) return;
          // Headers are sent: the error can only go in the stream, as an OpenAI error event.
          sink.next(("data: " + errorEvent("the upstream's stream broke: " + e.getMessage()) + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
          sink.complete();
        }
      });
      sink.onDispose(() -> {
        try {
          in.close(); // stops the upstream generating
        } catch (IOException ignored) {
          // already closed
        }
        reader.interrupt();
      });
    });
    return HttpResponse.ok(relay).contentType("text/event-stream").header("Cache-Control", "no-cache");
  }

  /** GETs {@code path} from the upstream (the model list, readiness). */
  UpstreamClient.Response get(String path, @Nullable String key) {
    return client.get(path, key);
  }

  static String errorEvent(String message) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("message", message);
    err.put("type", "upstream_error");
    err.put("code", "stream_broken");
    try {
      return JSON.writeValueAsString(Map.of("error", err));
    } catch (JsonProcessingException e) {
      return "{\"error\":{\"message\":\"the upstream's stream broke\"}}";
    }
  }

  /** Adds {@code "bursar":{...}} to the upstream's JSON object without re-encoding the rest of it. */
  private static String withNote(String body, @Nullable String why) {
    int end = body.lastIndexOf('}');
    // An upstream that is itself a bursar already says what it did.
    if (end < 0 || !body.stripLeading().startsWith("{") || body.contains("\"bursar\":{")) return body;
    String note = "\"bursar\":{\"outcome\":\"passthrough\",\"mode\":\"FAST\""
        + (why == null ? "" : ",\"fallback\":" + quote(why)) + "}";
    String head = body.substring(0, end).stripTrailing();
    return head + (head.endsWith("{") ? "" : ",") + note + body.substring(end);
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      return "\"\"";
    }
  }

  private static HttpStatus status(int code) {
    try {
      return HttpStatus.valueOf(code);
    } catch (IllegalArgumentException e) {
      return code >= 500 ? HttpStatus.BAD_GATEWAY : HttpStatus.BAD_REQUEST;
    }
  }

  /** An upstream that cannot be reached, times out or is cut off by the breaker: 504 for timeouts, else 502. */
  static ApiException failure(BackendException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("no response within") || m.contains("sent nothing for")) return ApiException.deadline(m);
    return ApiException.upstream(m);
  }
}

package dev.bursar.backends.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible server on loopback for tests (the JDK's HttpServer): {@code /v1/completions},
 * {@code /v1/chat/completions} (streamed or not, with {@code n}, {@code max_tokens}, {@code stop},
 * {@code seed}, {@code logprobs}/{@code top_logprobs} in the vLLM shapes) and {@code /v1/models}.
 * Its "model" writes the embedded model's chain for 17+25*3; with a temperature above 0 it changes
 * digits at random from the seed, so seeded calls repeat and unseeded ones differ.
 *
 * <p>Faults for the failure tests are queued with {@link #fault(Fault)} and hit the next requests in
 * order: an error status, a delay before the headers, a connection reset, a stream cut short, a
 * slow stream. Counters tell what the server did: requests, tokens it sent, streams a client closed.
 */
public final class FakeOpenAiServer implements AutoCloseable {
  /** What the next request gets instead of a normal answer. */
  public sealed interface Fault {
    record Status(int code, String body) implements Fault {}
    record Delay(long millis) implements Fault {}
    record Reset() implements Fault {}
    record Truncate(int afterTokens) implements Fault {}
    record Slow(long millisPerToken) implements Fault {}
  }

  static final List<String> CHAIN = List.of("<think>", "25", "*", "3", "=", "75", "\n", "17", "+", "75", "=", "92",
      "\n", "</think>", "A:", "92", "\n");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  public final AtomicInteger requests = new AtomicInteger();
  public final AtomicInteger tokensSent = new AtomicInteger();
  /** Samples scored at {@code /pooling}. */
  public final AtomicInteger scored = new AtomicInteger();
  public final AtomicInteger streamsClosedByClient = new AtomicInteger();
  private volatile boolean rejectN;
  private volatile long millisPerToken;

  public FakeOpenAiServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/completions", ex -> handle(ex, false));
    server.createContext("/v1/chat/completions", ex -> handle(ex, true));
    server.createContext("/pooling", this::reward);
    server.createContext("/v1/models", ex -> send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-model\","
        + "\"object\":\"model\",\"created\":0,\"owned_by\":\"test\"}]}"));
    server.start();
  }

  /**
   * A reward model at {@code /pooling}, as vLLM pools every token of one: the score at the last token is 2 when the
   * assistant's turn says 92 and -1 otherwise.
   */
  private void reward(HttpExchange ex) throws IOException {
    JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
    JsonNode messages = req.path("messages");
    if (messages.size() != 2 || !"assistant".equals(messages.path(1).path("role").asText())) {
      send(ex, 400, "{\"error\":{\"message\":\"expected a user turn and an assistant turn\"}}");
      return;
    }
    scored.incrementAndGet();
    double score = messages.path(1).path("content").asText().contains("92") ? 2 : -1;
    send(ex, 200, "{\"object\":\"list\",\"data\":[{\"index\":0,\"object\":\"pooling\",\"data\":[[0.1],[" + score + "]]}]}");
  }

  /** {@return the reward model's pooling URL} */
  public String poolingUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/pooling";
  }

  /** {@return the API root, e.g. {@code http://127.0.0.1:PORT/v1}} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public FakeOpenAiServer fault(Fault f) {
    faults.add(f);
    return this;
  }

  /** Answers {@code n > 1} with 400, as a server without {@code n} support does. */
  public FakeOpenAiServer rejectN(boolean on) {
    this.rejectN = on;
    return this;
  }

  /** Paces every streamed token, so that a client's cancellation has tokens left to save. */
  public FakeOpenAiServer millisPerToken(long ms) {
    this.millisPerToken = ms;
    return this;
  }

  private void handle(HttpExchange ex, boolean chat) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
      Fault f = faults.poll();
      long pace = millisPerToken;
      int truncate = Integer.MAX_VALUE;
      switch (f) {
        case Fault.Status s -> {
          send(ex, s.code(), s.body());
          return;
        }
        case Fault.Delay d -> sleep(d.millis());
        case Fault.Reset r -> {
          return; // closed with no response: the client sees the connection end
        }
        case Fault.Truncate t -> truncate = t.afterTokens();
        case Fault.Slow s -> pace = s.millisPerToken();
        case null -> {}
      }
      int n = req.path("n").asInt(1);
      if (n > 1 && rejectN) {
        send(ex, 400, "{\"error\":{\"message\":\"n must be 1\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      int max = req.path("max_tokens").asInt(64);
      List<String> stop = new ArrayList<>();
      req.path("stop").forEach(s -> stop.add(s.asText()));
      int k = chat ? req.path("top_logprobs").asInt(0) : req.path("logprobs").asInt(0);
      boolean wantLogprobs = chat ? req.path("logprobs").asBoolean(false) : req.has("logprobs");
      double temperature = req.path("temperature").asDouble(1.0);
      long seed = req.has("seed") ? req.get("seed").asLong() : System.nanoTime();
      if (req.path("stream").asBoolean(false)) {
        stream(ex, chat, seed, temperature, max, stop, wantLogprobs, k, pace, truncate);
        return;
      }
      ObjectNode resp = JSON.createObjectNode().put("id", "cmpl-fake").put("object", chat ? "chat.completion" : "text_completion")
          .put("model", req.path("model").asText("fake-model"));
      ArrayNode choices = resp.putArray("choices");
      int total = 0;
      for (int i = 0; i < n; i++) {
        Sample s = sample(seed, i, temperature, max, stop);
        total += s.tokens.size();
        ObjectNode c = choices.addObject().put("index", i);
        if (chat) c.putObject("message").put("role", "assistant").put("content", String.join("", s.tokens));
        else c.put("text", String.join("", s.tokens));
        c.put("finish_reason", s.finish);
        if (s.stopReason != null) c.put("stop_reason", s.stopReason); else c.putNull("stop_reason");
        if (wantLogprobs) c.set("logprobs", logprobs(chat, s.tokens, k));
      }
      resp.putObject("usage").put("prompt_tokens", 7).put("completion_tokens", total).put("total_tokens", 7 + total);
      send(ex, 200, JSON.writeValueAsString(resp));
    }
  }

  private void stream(HttpExchange ex, boolean chat, long seed, double temperature, int max, List<String> stop,
      boolean wantLogprobs, int k, long pace, int truncate) throws IOException {
    Sample s = sample(seed, 0, temperature, max, stop);
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    try {
      for (int i = 0; i < s.tokens.size(); i++) {
        if (i >= truncate) {
          out.close(); // cut short: no finish, no [DONE]
          return;
        }
        if (pace > 0) sleep(pace);
        ObjectNode chunk = JSON.createObjectNode().put("id", "cmpl-fake");
        ObjectNode c = chunk.putArray("choices").addObject().put("index", 0);
        String t = s.tokens.get(i);
        if (chat) c.putObject("delta").put("content", t); else c.put("text", t);
        if (wantLogprobs) c.set("logprobs", logprobs(chat, List.of(t), k));
        boolean last = i == s.tokens.size() - 1;
        if (last) {
          c.put("finish_reason", s.finish);
          if (s.stopReason != null) c.put("stop_reason", s.stopReason);
        } else {
          c.putNull("finish_reason");
        }
        write(out, "data: " + JSON.writeValueAsString(chunk) + "\n\n");
        tokensSent.incrementAndGet();
      }
      if (s.tokens.isEmpty()) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.putArray("choices").addObject().put("index", 0).put("text", "").put("finish_reason", s.finish);
        write(out, "data: " + JSON.writeValueAsString(chunk) + "\n\n");
      }
      write(out, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":" + s.tokens.size() + "}}\n\n");
      write(out, "data: [DONE]\n\n");
    } catch (IOException e) {
      streamsClosedByClient.incrementAndGet(); // the client closed its end: stop generating
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One sequence: tokens (the stop string left out, as OpenAI does), finish_reason and vLLM's stop_reason. */
  private record Sample(List<String> tokens, String finish, String stopReason) {}

  private static Sample sample(long seed, int index, double temperature, int max, List<String> stop) {
    Random r = new Random(seed * 31 + index);
    List<String> out = new ArrayList<>();
    var text = new StringBuilder();
    for (String t : CHAIN) {
      if (out.size() >= max) return new Sample(out, "length", null);
      String tok = temperature > 0 && t.matches("\\d+") && r.nextDouble() < 0.3 ? Integer.toString(r.nextInt(100)) : t;
      text.append(tok);
      for (String s : stop) {
        if (text.toString().contains(s)) return new Sample(out, "stop", s);
      }
      out.add(tok);
    }
    return new Sample(out, "stop", null);
  }

  private static JsonNode logprobs(boolean chat, List<String> tokens, int k) {
    ObjectNode lp = JSON.createObjectNode();
    if (chat) {
      ArrayNode content = lp.putArray("content");
      for (String t : tokens) {
        ObjectNode e = content.addObject().put("token", t).put("logprob", -0.1 * (1 + t.length() % 3));
        ArrayNode top = e.putArray("top_logprobs");
        for (int j = 0; j < k; j++) top.addObject().put("token", t + j).put("logprob", -0.1 - j);
      }
    } else {
      ArrayNode toks = lp.putArray("tokens");
      ArrayNode lps = lp.putArray("token_logprobs");
      ArrayNode tops = lp.putArray("top_logprobs");
      for (String t : tokens) {
        toks.add(t);
        lps.add(-0.1 * (1 + t.length() % 3));
        ObjectNode top = tops.addObject();
        for (int j = 0; j < Math.max(1, k); j++) top.put(t + j, -0.1 - j);
      }
    }
    return lp;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

package dev.bursar.backends.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A backend for any OpenAI-compatible server (vLLM, SGLang, llama.cpp's server, Ollama).
 *
 * <p>How a call goes out:
 * <ul>
 *   <li>With a listener (the controller always passes one) and streaming on, each sequence is its
 *       own streamed request, so that one sequence can be cancelled by closing its stream, which
 *       stops the server generating it (no engine cancels one choice of an {@code n > 1} request).
 *       The requests share the prompt, so the server's prefix cache serves them.
 *   <li>Without a listener (or streaming off), one request with {@code n}; a server that rejects
 *       {@code n} or returns fewer choices gets the rest as parallel requests, and is remembered.
 *   <li>The completions endpoint sends the prompt as text, so probes and search steps (the prompt
 *       plus a partial chain) are continuations of the shared prefix; the chat endpoint sends the
 *       conversation in the request metadata under {@link #MESSAGES}, or the prompt as one user message.
 * </ul>
 *
 * <p>Tokens are counted from the log-probabilities the server returns (asked for on every call
 * unless turned off), else from the usage block or the stream's chunks. Failures become
 * {@link BackendException}; an error status is an {@link UpstreamException} with the server's body.
 */
public final class OpenAiBackend implements Backend {
  /** Request metadata key: the chat conversation as a JSON array of OpenAI messages. */
  public static final String MESSAGES = "openai.messages";

  /** A caller's API key for the calls made in its scope (the sidecar passes a client's key through). */
  public static final ScopedValue<String> API_KEY = ScopedValue.newInstance();

  /** Which endpoint the prompt goes to. */
  public enum Endpoint {
    /** {@code /chat/completions}: the conversation. */
    CHAT,
    /** {@code /completions}: the prompt as text; continuations of a shared prefix. */
    COMPLETIONS
  }

  private static final ObjectMapper JSON = PooledJson.mapper();

  private final UpstreamClient client;
  private final boolean ownsClient;
  private final String model;
  private final Endpoint endpoint;
  private final boolean streaming;
  private final boolean logprobs;
  private final int parallelism;
  private final Map<String, Object> extraBody;
  private final Set<Capability> capabilities;
  private final AtomicBoolean nativeN;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  private OpenAiBackend(Builder b) {
    this.client = b.client != null ? b.client : new UpstreamClient(Objects.requireNonNull(b.settings));
    this.ownsClient = b.client == null;
    this.model = Objects.requireNonNull(b.model);
    this.endpoint = b.endpoint;
    this.streaming = b.streaming;
    this.logprobs = b.logprobs;
    this.parallelism = b.parallelism;
    this.extraBody = Map.copyOf(b.extraBody);
    this.nativeN = new AtomicBoolean(b.nativeN);
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    if (logprobs) {
      caps.add(Capability.LOGPROBS);
      caps.add(Capability.TOP_LOGPROBS);
    }
    if (streaming) caps.add(Capability.CANCELLATION);
    if (endpoint == Endpoint.COMPLETIONS) caps.add(Capability.STEPWISE);
    this.capabilities = Set.copyOf(caps);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return model;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  /** {@return the client this backend sends through (the sidecar passes requests through it too)} */
  public UpstreamClient client() {
    return client;
  }

  /** {@return the endpoint prompts go to} */
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    if (closed) throw new BackendException("the backend for " + model + " is closed", false);
    String key = API_KEY.isBound() ? API_KEY.get() : null;
    Endpoint ep = request.metadata().containsKey(MESSAGES) ? Endpoint.CHAT : endpoint;
    if (streaming && listener != TokenListener.NONE) {
      return parallel(request.n(), i -> streamOne(request, ep, i, listener, key));
    }
    List<Generation> out = new ArrayList<>();
    if (request.n() == 1 || nativeN.get()) {
      try {
        out.addAll(whole(request, ep, request.n(), 0, key));
      } catch (UpstreamException e) {
        // Some servers refuse n > 1 outright; send the sequences one by one from now on.
        if (request.n() == 1 || e.status() != 400 || !e.body().contains("n")) throw e;
        nativeN.set(false);
      }
    }
    if (out.size() < request.n()) {
      if (!out.isEmpty()) nativeN.set(false); // it ignored n: remember
      int have = out.size();
      List<Generation> rest = parallel(request.n() - have, i -> whole(request, ep, 1, have + i, key).getFirst());
      for (Generation g : rest) out.add(reindex(g, out.size()));
    }
    if (listener != TokenListener.NONE) report(out, listener);
    return out;
  }

  /** Without a stream the listener sees the tokens after the fact; it cannot cancel what is already generated. */
  private static void report(List<Generation> out, TokenListener listener) {
    for (Generation g : out) {
      for (int p = 0; p < g.outputTokens(); p++) {
        double lp = g.tokenLogprobs() == null ? Double.NaN : g.tokenLogprobs()[p];
        double c = g.tokenConfidence() == null ? Double.NaN : g.tokenConfidence()[p];
        if (!listener.onToken(g.index(), new TokenListener.TokenEvent(p, "", lp, c))) break;
      }
    }
  }

  @FunctionalInterface
  private interface Sequence {
    Generation run(int i);
  }

  private List<Generation> parallel(int n, Sequence seq) {
    if (n == 1) return List.of(seq.run(0));
    var gate = new java.util.concurrent.Semaphore(parallelism);
    List<Future<Generation>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int idx = i;
      fs.add(executor.submit(() -> {
        gate.acquire();
        try {
          return seq.run(idx);
        } finally {
          gate.release();
        }
      }));
    }
    List<Generation> out = new ArrayList<>();
    try {
      for (Future<Generation> f : fs) out.add(f.get());
    } catch (InterruptedException e) {
      fs.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for " + model, e, true);
    } catch (ExecutionException e) {
      fs.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof BackendException be) throw be;
      throw new BackendException(model + " failed: " + e.getCause(), e.getCause(), false);
    }
    return out;
  }

  private static Generation reindex(Generation g, int index) {
    return new Generation(index, g.text(), g.inputTokens(), g.outputTokens(), g.finish(), g.tokenLogprobs(),
        g.tokenConfidence(), g.answer(), g.cachedInputTokens(), g.verifierScore());
  }

  /** One non-streamed request for {@code n} sequences; sequence numbers start at {@code first}. */
  private List<Generation> whole(GenerationRequest request, Endpoint ep, int n, int first, @Nullable String key) {
    ObjectNode body = body(request, ep, n, first, false);
    UpstreamClient.Response r = client.post(path(ep), write(body), key);
    if (r.status() >= 400) throw new UpstreamException(r.status(), r.body());
    return parseWhole(request, ep, n, first, r.body());
  }

  /** Parses a whole (non-streamed) response body into its sequences, numbered from {@code first}. */
  private List<Generation> parseWhole(GenerationRequest request, Endpoint ep, int n, int first, String bodyText) {
    JsonNode root = read(bodyText);
    JsonNode choices = root.path("choices");
    if (!choices.isArray()) throw new BackendException(model + " returned no choices: " + brief(bodyText), true);
    List<JsonNode> sorted = new ArrayList<>();
    choices.forEach(sorted::add);
    sorted.sort((a, b) -> Integer.compare(a.path("index").asInt(), b.path("index").asInt()));
    JsonNode usage = root.path("usage");
    int promptTokens = usage.path("prompt_tokens").asInt(0);
    int completionTokens = usage.path("completion_tokens").asInt(-1);
    int cachedTokens = cachedTokens(usage, promptTokens);
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < sorted.size() && i < n; i++) {
      JsonNode c = sorted.get(i);
      String text = ep == Endpoint.CHAT ? c.path("message").path("content").asText("") : c.path("text").asText("");
      List<TokenLogprobs.Entry> entries = TokenLogprobs.parse(c.path("logprobs"));
      int tokens;
      if (!entries.isEmpty()) tokens = entries.size();
      else if (completionTokens >= 0) tokens = share(completionTokens, sorted.size(), i);
      else tokens = text.isEmpty() ? 0 : Math.max(1, text.length() / 4); // no count at all: a rough one, never zero for text
      tokens = Math.min(tokens, request.maxTokens());
      FinishReason finish = finish(c, request);
      out.add(generation(first + i, text, i == 0 ? promptTokens : 0, i == 0 ? cachedTokens : 0, tokens, finish,
          entries.subList(0, Math.min(entries.size(), tokens))));
    }
    return out;
  }

  private static int share(int total, int n, int i) {
    return total / n + (i < total % n ? 1 : 0);
  }

  /** {@return the prompt tokens the server's prefix cache served ({@code prompt_tokens_details.cached_tokens}), at most the prompt} */
  private static int cachedTokens(JsonNode usage, int promptTokens) {
    return Math.max(0, Math.min(promptTokens, usage.path("prompt_tokens_details").path("cached_tokens").asInt(0)));
  }

  private Generation generation(int index, String text, int input, int cached, int tokens, FinishReason finish,
      List<TokenLogprobs.Entry> entries) {
    double[] lps = null;
    double[] confs = null;
    if (logprobs && entries.size() == tokens && tokens >= 0) {
      lps = new double[tokens];
      confs = new double[tokens];
      for (int i = 0; i < tokens; i++) {
        TokenLogprobs.Entry e = entries.get(i);
        lps[i] = Double.isNaN(e.logprob()) ? 0 : Math.min(0, e.logprob());
        double c = e.confidence();
        confs[i] = Double.isNaN(c) ? 0 : c;
      }
    }
    return new Generation(index, text, input, tokens, finish, lps, confs, null, cached);
  }

  /** One streamed sequence; the listener may cancel it, which closes the stream. */
  private Generation streamOne(GenerationRequest request, Endpoint ep, int index, TokenListener listener,
      @Nullable String key) {
    ObjectNode body = body(request, ep, 1, index, true);
    UpstreamClient.StreamResponse r = client.postStream(path(ep), write(body), key);
    try (InputStream in = r.body()) {
      if (r.status() >= 400) {
        throw new UpstreamException(r.status(), new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
      }
      if (r.contentType().contains("json")) {
        // A server that ignores "stream" answers whole: take it as is (nothing to cancel any more).
        return parseWhole(request, ep, 1, index, new String(in.readAllBytes(), StandardCharsets.UTF_8)).getFirst();
      }
      var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      var text = new StringBuilder();
      List<TokenLogprobs.Entry> seen = new ArrayList<>();
      int promptTokens = 0;
      int cachedTokens = 0;
      FinishReason finish = null;
      boolean done = false;
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.startsWith("data:")) continue; // comments (": keep-alive"), event names, blank separators
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
          done = true;
          break;
        }
        JsonNode chunk = read(data);
        if (chunk.has("error")) throw new UpstreamException(502, data);
        JsonNode usage = chunk.path("usage");
        if (usage.isObject()) {
          promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
          cachedTokens = cachedTokens(usage, promptTokens);
        }
        JsonNode c = chunk.path("choices").path(0);
        if (c.isMissingNode()) continue;
        String piece = ep == Endpoint.CHAT ? c.path("delta").path("content").asText("") : c.path("text").asText("");
        String thinking = ep == Endpoint.CHAT ? c.path("delta").path("reasoning_content").asText("") : "";
        List<TokenLogprobs.Entry> entries = TokenLogprobs.parse(c.path("logprobs"));
        if (entries.isEmpty() && !(piece.isEmpty() && thinking.isEmpty())) {
          entries = List.of(new TokenLogprobs.Entry(piece.isEmpty() ? thinking : piece, Double.NaN, new double[0]));
        }
        String joined = String.join("", entries.stream().map(TokenLogprobs.Entry::token).toList());
        boolean perToken = joined.equals(piece);
        for (TokenLogprobs.Entry e : entries) {
          if (seen.size() >= request.maxTokens()) break;
          int pos = seen.size();
          seen.add(e);
          if (perToken) text.append(e.token());
          var ev = new TokenListener.TokenEvent(pos, e.token(), Double.isNaN(e.logprob()) ? Double.NaN : Math.min(0, e.logprob()),
              e.confidence());
          if (!listener.onToken(index, ev)) {
            if (!perToken) text.append(piece);
            return generation(index, text.toString(), promptTokens, cachedTokens, seen.size(), FinishReason.CANCELLED, seen);
          }
        }
        if (!perToken) text.append(piece);
        if (c.hasNonNull("finish_reason")) finish = finish(c, request);
        if (seen.size() >= request.maxTokens() && finish == null) {
          finish = FinishReason.LENGTH; // a server that overruns the cap is cut here
          break;
        }
      }
      if (finish == null) {
        if (!done && seen.size() < request.maxTokens()) {
          throw new BackendException(model + " ended the stream after " + seen.size() + " tokens without finishing it", true);
        }
        finish = seen.size() >= request.maxTokens() ? FinishReason.LENGTH : FinishReason.EOS;
      }
      return generation(index, text.toString(), promptTokens, cachedTokens, seen.size(), finish, seen);
    } catch (IOException e) {
      throw new BackendException("the stream from " + model + " broke: " + e.getMessage(), e, true);
    }
  }

  private static FinishReason finish(JsonNode choice, GenerationRequest request) {
    String reason = choice.path("finish_reason").asText("");
    JsonNode stopReason = choice.get("stop_reason"); // vLLM: the stop string, a token id, or null for EOS
    return switch (reason) {
      case "length" -> FinishReason.LENGTH;
      case "stop" -> {
        if (stopReason != null && stopReason.isTextual()) yield FinishReason.STOP;
        if (stopReason != null && !stopReason.isNull()) yield FinishReason.EOS;
        yield request.stop().isEmpty() ? FinishReason.EOS : FinishReason.STOP;
      }
      case "abort", "cancelled" -> FinishReason.CANCELLED;
      default -> FinishReason.EOS;
    };
  }

  private ObjectNode body(GenerationRequest request, Endpoint ep, int n, int sequence, boolean stream) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", model);
    if (ep == Endpoint.CHAT) {
      String conversation = request.metadata().get(MESSAGES);
      if (conversation != null) {
        b.set("messages", read(conversation));
      } else {
        ArrayNode messages = b.putArray("messages");
        messages.addObject().put("role", "user").put("content", request.prompt());
      }
    } else {
      b.put("prompt", request.prompt());
    }
    if (n > 1) b.put("n", n);
    b.put("max_tokens", request.maxTokens());
    b.put("temperature", request.sampling().temperature());
    if (request.sampling().topP() < 1) b.put("top_p", request.sampling().topP());
    if (request.sampling().topK() > 0) b.put("top_k", request.sampling().topK());
    // Sequence i of a call draws from a stream derived from (seed, i), as the SPI promises.
    b.put("seed", (request.sampling().seed() * 1_000_003L + sequence) & 0x7fffffffL);
    if (!request.stop().isEmpty()) {
      ArrayNode stop = b.putArray("stop");
      request.stop().forEach(stop::add);
    }
    if (logprobs) {
      int k = Math.min(20, request.topLogprobs());
      if (ep == Endpoint.CHAT) {
        b.put("logprobs", true);
        if (k > 0) b.put("top_logprobs", k);
      } else {
        b.put("logprobs", Math.max(k, 1));
      }
    }
    if (stream) {
      b.put("stream", true);
      b.putObject("stream_options").put("include_usage", true);
    }
    extraBody.forEach((k, v) -> b.set(k, JSON.valueToTree(v)));
    return b;
  }

  private static String path(Endpoint ep) {
    return ep == Endpoint.CHAT ? "/chat/completions" : "/completions";
  }

  private static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new BackendException("cannot write a request: " + e.getOriginalMessage(), e, false);
    }
  }

  private JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (JsonProcessingException e) {
      throw new BackendException(model + " sent something that is not JSON: " + brief(s), e, true);
    }
  }

  /** {@return a response body on one line, cut at 200 characters: enough of it for an error message} */
  static String brief(String s) {
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    if (ownsClient) client.close();
  }

  /** Set-once builder; {@link #build()} checks that an upstream and a model were given. */
  public static final class Builder {
    private UpstreamClient.@Nullable Settings settings;
    private @Nullable UpstreamClient client;
    private @Nullable String model;
    private Endpoint endpoint = Endpoint.CHAT;
    private boolean streaming = true;
    private boolean logprobs = true;
    private boolean nativeN = true;
    private int parallelism = 16;
    private final Map<String, Object> extraBody = new LinkedHashMap<>();

    private Builder() {}

    /** The server's API root, e.g. {@code http://localhost:8000/v1}, with the default timeouts and retries. */
    public Builder baseUrl(String url) {
      return settings(UpstreamClient.Settings.of(URI.create(url)));
    }

    public Builder settings(UpstreamClient.Settings s) {
      if (settings != null || client != null) throw new IllegalStateException("the upstream was already set");
      this.settings = Objects.requireNonNull(s, "settings");
      return this;
    }

    /** Sends through {@code c}, which the caller keeps and closes. */
    public Builder client(UpstreamClient c) {
      if (settings != null || client != null) throw new IllegalStateException("the upstream was already set");
      this.client = Objects.requireNonNull(c, "client");
      return this;
    }

    /** The model name the server knows, sent in every request and used as this backend's name. */
    public Builder model(String m) {
      if (m.isBlank()) throw new IllegalArgumentException("the model name must not be blank");
      this.model = m;
      return this;
    }

    /** Where prompts go without a conversation in their metadata (default CHAT). */
    public Builder endpoint(Endpoint e) {
      this.endpoint = Objects.requireNonNull(e);
      return this;
    }

    /** Streams each sequence so it can be cancelled (default true). */
    public Builder streaming(boolean on) {
      this.streaming = on;
      return this;
    }

    /** Asks for log-probabilities on every call (default true; turn off for a server that refuses them). */
    public Builder logprobs(boolean on) {
      this.logprobs = on;
      return this;
    }

    /** Whether to try {@code n} in one request first (default true; a refusal turns it off by itself). */
    public Builder nativeN(boolean on) {
      this.nativeN = on;
      return this;
    }

    /** Most requests of one call in flight at once (default 16). */
    public Builder parallelism(int p) {
      if (p < 1) throw new IllegalArgumentException("parallelism must be >= 1, was " + p);
      this.parallelism = p;
      return this;
    }

    /** A field added to every request body (a server's own extension, e.g. vLLM's {@code thinking_token_budget}). */
    public Builder extraBody(String field, Object value) {
      this.extraBody.put(Objects.requireNonNull(field), Objects.requireNonNull(value));
      return this;
    }

    public OpenAiBackend build() {
      if (settings == null && client == null) {
        throw new IllegalStateException("the upstream is required: call baseUrl(\"http://host:8000/v1\") before build()");
      }
      if (model == null) throw new IllegalStateException("the model is required: call model(NAME) before build()");
      return new OpenAiBackend(this);
    }
  }
}

package dev.bursar.sidecar.serve;

import dev.bursar.backends.openai.OpenAiBackend;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.ExitReason;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.ReasoningFormat;
import dev.bursar.controller.Request;
import dev.bursar.controller.Sampling;
import dev.bursar.sidecar.serve.OpenAiApi.BursarInfo;
import dev.bursar.sidecar.serve.OpenAiApi.ChatRequest;
import dev.bursar.sidecar.serve.OpenAiApi.ChatResponse;
import dev.bursar.sidecar.serve.OpenAiApi.Choice;
import dev.bursar.sidecar.serve.OpenAiApi.CompletionRequest;
import dev.bursar.sidecar.serve.OpenAiApi.CompletionResponse;
import dev.bursar.sidecar.serve.OpenAiApi.Message;
import dev.bursar.sidecar.serve.OpenAiApi.ResponseMessage;
import dev.bursar.sidecar.serve.OpenAiApi.TextChoice;
import dev.bursar.sidecar.serve.OpenAiApi.Usage;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Serves chat and text completions.
 *
 * <p>A request is checked first (every problem a 4xx that says how to fix it), then admitted
 * ({@link Admission}: bounded, first come first served, 429 with {@code Retry-After} beyond). Then
 * one of two paths:
 * <ul>
 *   <li><b>decided</b>: the controller runs the request under its deadline and the policy's plan,
 *       on a virtual thread tied to the client ({@link ClientScope}: a client that leaves stops it);
 *   <li><b>passed through</b> (with an upstream): the request goes to the upstream unchanged
 *       ({@link Passthrough}). That is FAST for a request whose answer cannot be voted on (tools,
 *       a response format, {@code n > 1}, log-probabilities), and the way out whenever bursar
 *       itself fails or a decided run found no answer to vote on: never worse than no bursar.
 * </ul>
 * Without an upstream, FAST text completions are the model's raw continuations, so a
 * {@code bursar serve} is itself a genuine OpenAI-compatible upstream.
 */
@Singleton
final class ChatService {
  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
  /** The question example every message about the question points to. */
  static final String EXAMPLE = "{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}";
  static final String CHAT_EXAMPLE = "{\"model\":\"bursar\",\"messages\":[" + EXAMPLE + "]}";
  static final String COMPLETION_EXAMPLE = "{\"model\":\"bursar\",\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":64}";

  private final ComputeController controller;
  private final QuestionPrompter prompter;
  private final SidecarConfig config;
  private final Admission admission;
  private final @Nullable Passthrough upstream;
  private final ObjectMapper json;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final LongAdder fallbacks = new LongAdder();
  /** Requests sent to the upstream unchanged, by why: {@code fast}, {@code unvotable}, {@code fallback}. */
  private final io.opentelemetry.api.metrics.LongCounter passed;
  private static final io.opentelemetry.api.common.AttributeKey<String> WHY =
      io.opentelemetry.api.common.AttributeKey.stringKey("bursar.passthrough.reason");

  ChatService(ComputeController controller, QuestionPrompter prompter, SidecarConfig config, Admission admission,
      UpstreamHolder upstream, ObjectMapper json, io.opentelemetry.api.OpenTelemetry otel) {
    this.controller = controller;
    this.prompter = prompter;
    this.config = config;
    this.admission = admission;
    this.upstream = upstream.passthrough();
    this.json = json;
    this.passed = otel.getMeter("dev.bursar.sidecar").counterBuilder("bursar.passthrough")
        .setDescription("requests sent to the upstream unchanged, by reason (fast, unvotable, fallback)").build();
  }

  private void countPassthrough(String why) {
    passed.add(1, io.opentelemetry.api.common.Attributes.of(WHY, why));
  }

  /** {@return requests that bursar passed through because its own path failed or had nothing to vote on} */
  long fallbacks() {
    return fallbacks.sum();
  }

  // ---------------------------------------------------------------- chat

  /** What a checked chat request runs. */
  record ChatPlan(String id, ChatRequest body, String raw, Request request, int n, boolean stream, boolean passthrough,
      @Nullable String effort) {}

  Mono<MutableHttpResponse<?>> chat(@Nullable String raw, @Nullable String key, ClientGone gone) {
    ChatPlan p = prepareChat(raw);
    Admission.Slot slot = admission.acquire();
    if (p.passthrough()) {
      countPassthrough(p.request().hints().mode() == Mode.Kind.FAST ? "fast" : "unvotable");
      return passthrough("/chat/completions", p.raw(), p.stream(), p.effort(), key, gone, slot);
    }
    if (p.stream()) return Mono.just(HttpResponse.ok(decidedStream(p, key, slot, gone)).contentType("text/event-stream"));
    return decided(slot, gone, new Original("/chat/completions", p.raw(), p.effort(), key),
        g -> chatResponse(p, runAll(p.request(), p.n(), key, g), key));
  }

  ChatPlan prepareChat(@Nullable String raw) {
    RequestJson.check(raw, CHAT_EXAMPLE);
    ChatRequest body = decode(raw, ChatRequest.class, CHAT_EXAMPLE);
    checkModel(body.model());
    List<@Nullable Message> messages = body.messages();
    if (messages == null) {
      throw ApiException.invalid("messages", "missing_messages",
          "messages is missing: send the conversation as \"messages\":[" + EXAMPLE + "]");
    }
    if (messages.isEmpty()) {
      throw ApiException.invalid("messages", "empty_messages",
          "messages is empty: send at least one user message, e.g. \"messages\":[" + EXAMPLE + "]");
    }
    int n = checkN(body.n());
    Integer maxTokens = body.maxTokens() != null ? body.maxTokens() : body.maxCompletionTokens();
    checkMaxTokens(maxTokens, body.maxTokens() != null ? "max_tokens" : "max_completion_tokens");
    checkTemperature(body.temperature());
    if (body.topLogprobs() != null && (body.topLogprobs() < 0 || body.topLogprobs() > 20)) {
      throw ApiException.invalid("top_logprobs", "invalid_value", "top_logprobs=" + body.topLogprobs()
          + " is not allowed: use 0..20, with \"logprobs\":true");
    }
    String effort = body.reasoningEffort() == null ? null : ReasoningEffort.check(body.reasoningEffort());
    String question = question(messages);
    boolean stream = Boolean.TRUE.equals(body.stream());
    Mode.@Nullable Kind mode = mode(body.bursar() == null ? null : body.bursar().mode());
    if ("none".equals(effort) && mode == null) mode = Mode.Kind.FAST;
    boolean unvotable = body.tools() != null || body.toolChoice() != null || body.functions() != null
        || body.responseFormat() != null || Boolean.TRUE.equals(body.logprobs()) || n > 1;
    // With an upstream, FAST and what cannot be voted on go through unchanged: the upstream does it best.
    boolean passthrough = upstream != null && (unvotable || mode == Mode.Kind.FAST);
    String prompt;
    String id = id("chatcmpl-");
    // The response's id goes into the trace record, so feedback on it finds the record.
    Map<String, String> metadata = new java.util.HashMap<>(Map.of(dev.bursar.trace.TraceLog.REQUEST_ID, id));
    if (upstream != null) {
      prompt = question;
      // The conversation goes to the upstream with every sample; a pass-through sends the body itself.
      if (!passthrough) metadata.put(OpenAiBackend.MESSAGES, messagesJson(raw));
    } else if (prompter.freeText()) {
      prompt = conversationPrompt(messages, question);
    } else {
      prompt = promptFor(question);
    }
    Request request = Request.of(prompt).withMetadata(metadata)
        .withHints(hints(mode, body.bursar(), effort, maxTokens, body.temperature(), body.seed()));
    return new ChatPlan(id, body, raw, request, n, stream, passthrough, effort);
  }

  /** A chat model's prompt: the whole conversation through its template. */
  private String conversationPrompt(List<@Nullable Message> messages, String question) {
    List<dev.bursar.backends.djl.ChatTemplate.Message> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = java.util.Objects.requireNonNull(messages.get(i)); // question() has checked every message
      String role = java.util.Objects.requireNonNull(m.role()).toLowerCase(Locale.ROOT);
      turns.add(new dev.bursar.backends.djl.ChatTemplate.Message(role, text(m.content(), i)));
    }
    try {
      return prompter.conversation(turns, question);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("messages", "unsupported_conversation", String.valueOf(e.getMessage()));
    }
  }

  private String promptFor(String question) {
    if (nestingDepth(question) > RequestJson.MAX_DEPTH) {
      throw ApiException.invalid("messages", "unsupported_question", "the question nests brackets more than "
          + RequestJson.MAX_DEPTH + " deep; bursar answers questions like " + EXAMPLE);
    }
    try {
      return prompter.prompt(question);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("messages", "unsupported_question", String.valueOf(e.getMessage()));
    } catch (StackOverflowError e) {
      throw ApiException.invalid("messages", "unsupported_question", "the question is nested too deeply to read");
    }
  }

  private static int nestingDepth(String s) {
    int d = 0;
    int max = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[' || c == '{') max = Math.max(max, ++d);
      else if ((c == ')' || c == ']' || c == '}') && d > 0) d--;
    }
    return max;
  }

  /** {@return the {@code messages} array of the raw body, as JSON} */
  private String messagesJson(String raw) {
    try {
      JsonNode root = json.readValue(raw, JsonNode.class);
      return new String(json.writeValueAsBytes(root.get("messages")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ApiException.invalid("messages", "invalid_json", "messages cannot be read: " + e.getMessage());
    }
  }

  private ChatResponse chatResponse(ChatPlan p, List<Outcome> outs, @Nullable String key) {
    List<Choice> choices = new ArrayList<>();
    long in = 0;
    long out = 0;
    BursarInfo info = null;
    // The reply is the model's whole text (a chat checkpoint, an upstream) or only the answer its thinking led to.
    boolean wholeText = upstream != null || prompter.freeText();
    for (int i = 0; i < outs.size(); i++) {
      Answer a = answer(outs.get(i), p.request(), wholeText);
      choices.add(new Choice(i, new ResponseMessage("assistant", a.content()), null, a.finish()));
      in += a.info().inputTokens();
      out += a.info().outputTokens();
      if (info == null) info = a.info();
    }
    return new ChatResponse(p.id(), "chat.completion", now(), modelName(), choices,
        Usage.of(in, out, wholeText ? 0 : reasoning(outs), cached(outs)), sum(info, outs.size(), in, out));
  }

  // ---------------------------------------------------------------- completions

  /** What a checked text-completion request runs. */
  record CompletionPlan(String id, CompletionRequest body, String raw, @Nullable String prompt, int n, boolean stream,
      boolean decided, Request request) {}

  Mono<MutableHttpResponse<?>> completions(@Nullable String raw, @Nullable String key, ClientGone gone) {
    CompletionPlan p = prepareCompletion(raw);
    Admission.Slot slot = admission.acquire();
    if (!p.decided() && upstream != null) {
      countPassthrough("fast");
      return passthrough("/completions", p.raw(), p.stream(), null, key, gone, slot);
    }
    if (!p.decided()) {
      if (p.stream()) return Mono.just(HttpResponse.ok(rawStream(p, slot, gone)).contentType("text/event-stream"));
      return decided(slot, gone, new Original("/completions", p.raw(), null, key), g -> rawCompletion(p));
    }
    if (p.stream()) {
      return Mono.just(HttpResponse.ok(decidedTextStream(p, key, slot, gone)).contentType("text/event-stream"));
    }
    return decided(slot, gone, new Original("/completions", p.raw(), null, key),
        g -> completionResponse(p, runAll(p.request(), p.n(), key, g)));
  }

  CompletionPlan prepareCompletion(@Nullable String raw) {
    RequestJson.check(raw, COMPLETION_EXAMPLE);
    CompletionRequest body = decode(raw, CompletionRequest.class, COMPLETION_EXAMPLE);
    checkModel(body.model());
    JsonNode prompt = body.prompt();
    if (prompt == null || prompt.isNull()) {
      throw ApiException.invalid("prompt", "missing_prompt", "prompt is missing: send the text to continue, e.g. "
          + COMPLETION_EXAMPLE);
    }
    boolean text = prompt.isString();
    if (!text && !(upstream != null && prompt.isArray())) {
      throw ApiException.invalid("prompt", "invalid_type", "prompt must be a string, e.g. " + COMPLETION_EXAMPLE);
    }
    if (text && prompt.getStringValue().isEmpty()) {
      throw ApiException.invalid("prompt", "empty_prompt", "prompt is empty: send the text to continue");
    }
    int n = checkN(body.n());
    checkMaxTokens(body.maxTokens(), "max_tokens");
    checkTemperature(body.temperature());
    if (body.topP() != null && !(body.topP() > 0 && body.topP() <= 1)) {
      throw ApiException.invalid("top_p", "invalid_value", "top_p=" + body.topP() + " is not allowed: use (0, 1]");
    }
    if (body.logprobs() != null && (body.logprobs() < 0 || body.logprobs() > 20)) {
      throw ApiException.invalid("logprobs", "invalid_value", "logprobs=" + body.logprobs() + " is not allowed: use 0..20");
    }
    Mode.@Nullable Kind mode = mode(body.bursar() == null ? null : body.bursar().mode());
    // A text completion is the model's continuation unless the client asks bursar to decide it.
    boolean decided = text && mode != null && mode != Mode.Kind.FAST;
    if (body.stop() != null && !body.stop().isString() && !body.stop().isArray() && !body.stop().isNull()) {
      throw ApiException.invalid("stop", "invalid_type", "stop must be a string or an array of strings");
    }
    String p = text ? prompt.getStringValue() : null;
    String id = id("cmpl-");
    Request request = Request.of(p == null || p.isBlank() ? "-" : p)
        .withMetadata(Map.of(dev.bursar.trace.TraceLog.REQUEST_ID, id))
        .withHints(hints(mode, body.bursar(), null, body.maxTokens(), body.temperature(), body.seed()));
    return new CompletionPlan(id, body, raw, p, n, Boolean.TRUE.equals(body.stream()), decided, request);
  }

  private CompletionResponse completionResponse(CompletionPlan p, List<Outcome> outs) {
    List<TextChoice> choices = new ArrayList<>();
    long in = 0;
    long out = 0;
    BursarInfo info = null;
    for (int i = 0; i < outs.size(); i++) {
      Answer a = answer(outs.get(i), p.request(), true);
      choices.add(new TextChoice(i, a.content(), null, a.finish()));
      in += a.info().inputTokens();
      out += a.info().outputTokens();
      if (info == null) info = a.info();
    }
    return new CompletionResponse(p.id(), "text_completion", now(), modelName(), choices,
        Usage.of(in, out, 0, cached(outs)), sum(info, outs.size(), in, out)); // the whole text is returned: nothing hidden
  }

  /** The model's raw continuations of the prompt: {@code n}, stop sequences, log-probabilities, seed. */
  private CompletionResponse rawCompletion(CompletionPlan p) {
    var tokens = new ArrayList<List<String>>();
    var lps = new ArrayList<List<Double>>();
    for (int i = 0; i < p.n(); i++) {
      tokens.add(new ArrayList<>());
      lps.add(new ArrayList<>());
    }
    List<Generation> gens = controller.backend().generate(rawRequest(p), (seq, ev) -> {
      synchronized (tokens) {
        tokens.get(seq).add(ev.text());
        lps.get(seq).add(ev.logprob());
      }
      return !ClientScope.gone();
    });
    List<TextChoice> choices = new ArrayList<>();
    long in = 0;
    long out = 0;
    for (Generation g : gens) {
      Object logprobs = null;
      if (p.body().logprobs() != null) {
        Map<String, Object> lp = new LinkedHashMap<>();
        lp.put("tokens", tokens.get(g.index()));
        lp.put("token_logprobs", lps.get(g.index()).stream().map(v -> v.isNaN() ? null : v).toList());
        lp.put("top_logprobs", null);
        logprobs = lp;
      }
      choices.add(new TextChoice(g.index(), g.text(), logprobs, finish(g.finish())));
      in += g.inputTokens();
      out += g.outputTokens();
    }
    var info = new BursarInfo("passthrough", "FAST", "raw continuation", gens.size(), in, out, List.of(), null, null, 0,
        null, null, (double) (in + out), null);
    return new CompletionResponse(id("cmpl-"), "text_completion", now(), modelName(), choices, Usage.of(in, out, 0), info);
  }

  private dev.bursar.controller.GenerationRequest rawRequest(CompletionPlan p) {
    CompletionRequest b = p.body();
    double t = b.temperature() == null ? 1.0 : b.temperature();
    double topP = b.topP() == null ? 1.0 : b.topP();
    long seed = b.seed() != null ? b.seed() : ThreadLocalRandom.current().nextLong();
    List<String> stop = new ArrayList<>();
    if (b.stop() != null && b.stop().isString()) stop.add(b.stop().getStringValue());
    if (b.stop() != null && b.stop().isArray()) {
      for (JsonNode s : b.stop().values()) if (s.isString()) stop.add(s.getStringValue());
    }
    int max = b.maxTokens() == null ? 16 : b.maxTokens();
    return new dev.bursar.controller.GenerationRequest(p.prompt(), p.n(), max, new Sampling(t, topP, 0, seed), stop,
        b.logprobs() == null ? 0 : b.logprobs(), Map.of());
  }

  /** Streams the raw continuations token by token; a client that leaves stops the generation. */
  private Flux<byte[]> rawStream(CompletionPlan p, Admission.Slot slot, AtomicBoolean gone) {
    String id = id("cmpl-");
    long created = now();
    return Flux.create(sink -> {
      sink.onDispose(() -> gone.set(true));
      executor.submit(() -> {
        try {
          List<Generation> gens = ScopedValue.where(ClientScope.GONE, gone).call(() -> controller.backend().generate(
              rawRequest(p), (seq, ev) -> {
                if (gone.get()) return false;
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("index", seq);
                c.put("text", ev.text());
                c.put("logprobs", p.body().logprobs() == null ? null
                    : Map.of("tokens", List.of(ev.text()), "token_logprobs", List.of(Double.isNaN(ev.logprob()) ? 0.0 : ev.logprob())));
                c.put("finish_reason", null);
                emit(sink, chunk(id, "text_completion", created, c));
                return !gone.get();
              }));
          long in = 0;
          long out = 0;
          for (Generation g : gens) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", g.index());
            c.put("text", "");
            c.put("finish_reason", finish(g.finish()));
            emit(sink, chunk(id, "text_completion", created, c));
            in += g.inputTokens();
            out += g.outputTokens();
          }
          Map<String, Object> last = new LinkedHashMap<>(chunk(id, "text_completion", created, null));
          last.put("usage", Usage.of(in, out, 0));
          emit(sink, last);
          sink.next(done());
          sink.complete();
        } catch (Exception e) {
          streamError(sink, e);
        } finally {
          slot.close();
        }
      });
    });
  }

  // ---------------------------------------------------------------- shared

  /** What the bursar object of a chat model's reply says about its plan. */
  static final String CHAT_REASON = "chat model: one sample (FAST); free text has no answer to vote on";

  /** One choice's content, finish reason and bursar object. */
  private record Answer(String content, String finish, BursarInfo info) {}

  private Answer answer(Outcome o, Request request, boolean wholeText) {
    return switch (o) {
      case Outcome.Answered a -> {
        // A chat model's reply is its whole text (no answer to extract), said in the reason; no thinking besides it.
        boolean chat = prompter.freeText() && upstream == null;
        boolean cut = a.exited(ExitReason.Limit.BUDGET) || a.exited(ExitReason.Limit.DEADLINE)
            || (chat && a.exited(ExitReason.Limit.LENGTH));
        // FAST's confidence is unknown (NaN) without a fitted estimator: left out, not reported as a number.
        yield new Answer(wholeText ? a.text() : a.answer(), cut ? "length" : "stop", info("answered", a,
            Double.isNaN(a.confidence()) ? null : a.confidence(), chat ? null : a.text(), chat ? CHAT_REASON : null, null, null));
      }
      case Outcome.Abstained a -> {
        // The budget ran out: the best answer so far, marked as cut short; never an empty 200 when there is one.
        String content = a.bestGuess() != null ? a.bestGuess() : "";
        // A chat model that ended at once (an empty reply) stopped; it was not cut short.
        boolean stopped = prompter.freeText() && upstream == null && !a.exited(ExitReason.Limit.BUDGET)
            && !a.exited(ExitReason.Limit.DEADLINE) && !a.exited(ExitReason.Limit.LENGTH);
        yield new Answer(content, stopped ? "stop" : "length", info("abstained", a, null, null, a.reason(), a.bestGuess(), null));
      }
      case Outcome.Failed f -> throw new IllegalStateException("failed outcomes are answered before: " + f.error());
    };
  }

  private BursarInfo info(String outcome, Outcome o, @Nullable Double confidence, @Nullable String thinking,
      @Nullable String reason, @Nullable String bestGuess, @Nullable String fallback) {
    return new BursarInfo(outcome, o.mode(), o.plan().describe(), o.spend().samples(), o.spend().inputTokens(),
        o.spend().outputTokens(), o.exitLabels(), confidence, thinking, o.spend().elapsed().toMillis(), reason, bestGuess,
        (double) (o.spend().inputTokens() + o.spend().outputTokens()), fallback);
  }

  private static BursarInfo sum(BursarInfo first, int n, long in, long out) {
    if (n == 1) return first;
    return new BursarInfo(first.outcome(), first.mode(), first.plan(), first.samples(), in, out, first.exits(),
        first.confidence(), first.thinking(), first.elapsedMs(), first.reason(), first.bestGuess(), (double) (in + out),
        first.fallback());
  }

  /** Reasoning tokens: everything the runs generated besides the returned text, i.e. all samples' chains. */
  /** {@return the prompt tokens a prefix cache served, over every run of the request} */
  private static long cached(List<Outcome> outs) {
    long c = 0;
    for (Outcome o : outs) c += o.spend().cachedInputTokens();
    return c;
  }

  private static long reasoning(List<Outcome> outs) {
    long r = 0;
    for (Outcome o : outs) r += o.spend().outputTokens();
    return r;
  }

  /**
   * Runs the controller {@code n} times (one per choice) on this request's virtual threads, tied
   * to the client. A failed run, or a run with nothing to vote on, ends in {@link Fallback}.
   */
  private List<Outcome> runAll(Request request, int n, @Nullable String key, AtomicBoolean gone) {
    List<Future<Outcome>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Request r = i == 0 || request.hints().seed() == null ? request
          : request.withHints(request.hints().withSeed(request.hints().seed() + i));
      fs.add(executor.submit(() -> bound(key, gone, () -> controller.run(r))));
    }
    List<Outcome> outs = new ArrayList<>();
    Duration deadline = deadline(request);
    long end = System.nanoTime() + deadline.plus(grace(deadline)).toNanos();
    try {
      for (Future<Outcome> f : fs) outs.add(f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      gone.set(true);
      fs.forEach(f -> f.cancel(true));
      throw ApiException.deadline("the request ran past its deadline of " + human(deadline) + " and was cancelled; "
          + "the backend " + controller.backend().name() + " produced no answer in time. Retry, ask for less with "
          + "\"bursar\":{\"mode\":\"fast\"}, or raise bursar.sidecar.deadline.");
    } catch (InterruptedException e) {
      gone.set(true);
      Thread.currentThread().interrupt();
      throw Admission.shuttingDown();
    } catch (ExecutionException e) {
      throw new Fallback("the controller failed: " + e.getCause(), null);
    }
    for (Outcome o : outs) {
      if (o instanceof Outcome.Failed f) {
        if (f.cause() == Outcome.Failed.Cause.UNSUPPORTED) {
          throw ApiException.invalid("bursar.mode", "unsupported_mode", "the requested bursar.mode cannot run on the "
              + "backend " + controller.backend().name() + ": " + f.error() + ". Use another mode or leave it out.");
        }
        if (f.cause() == Outcome.Failed.Cause.DEADLINE) {
          throw ApiException.deadline("the request ran past its deadline of " + human(deadline) + ": " + f.error()
              + ". Retry, ask for less with \"bursar\":{\"mode\":\"fast\"}, or raise bursar.sidecar.deadline.");
        }
        throw new Fallback("the backend failed: " + f.error() + (f.retryable() ? " (retrying may succeed)" : ""), f);
      }
      if (upstream != null && o instanceof Outcome.Abstained a && a.bestGuess() == null) {
        throw new Fallback("no sample had an answer to vote on (" + a.reason() + ")", null);
      }
    }
    return outs;
  }

  /** A decided run that must be served another way: passed through, or (without an upstream) reported. */
  private static final class Fallback extends RuntimeException {
    final Outcome.@Nullable Failed failed;

    Fallback(String why, Outcome.@Nullable Failed failed) {
      super(why, null, false, false);
      this.failed = failed;
    }
  }

  private <T> T bound(@Nullable String key, AtomicBoolean gone, java.util.concurrent.Callable<T> work) throws Exception {
    var carrier = ScopedValue.where(ClientScope.GONE, gone);
    if (key != null) carrier = carrier.where(OpenAiBackend.API_KEY, key);
    return carrier.call(work::call);
  }

  @FunctionalInterface
  private interface Work {
    Object run(AtomicBoolean gone);
  }

  /**
   * Runs {@code work} on a virtual thread tied to the client (the subscription's cancel marks it
   * gone) and answers with what it returns, an {@link ApiException}'s error, or a pass-through.
   */
  private Mono<MutableHttpResponse<?>> decided(Admission.Slot slot, AtomicBoolean gone, Original original, Work work) {
    return Mono.create(sink -> {
      sink.onCancel(() -> gone.set(true));
      executor.submit(() -> {
        try {
          sink.success(HttpResponse.ok(ScopedValue.where(ClientScope.GONE, gone).call(() -> work.run(gone))));
        } catch (ApiException e) {
          sink.success(e.toResponse());
        } catch (Fallback f) {
          sink.success(fallback(f, original));
        } catch (BackendException e) {
          sink.success(Passthrough.failure(e).toResponse());
        } catch (RuntimeException e) {
          LOG.warn("bursar failed on a request; answering without it: {}", e.toString());
          sink.success(fallback(new Fallback("bursar failed: " + e, null), original));
        } finally {
          slot.close();
        }
      });
    });
  }

  /** Serves a request that bursar could not decide: pass it through, or say what failed. */
  private MutableHttpResponse<?> fallback(Fallback f, Original o) {
    fallbacks.increment();
    if (upstream != null) {
      countPassthrough("fallback");
      try {
        return upstream.forward(o.path(), upstream.rewrite(o.raw(), o.effort()), o.key(), f.getMessage());
      } catch (ApiException e) {
        return e.toResponse();
      }
    }
    if (f.failed != null) return ApiException.upstream(f.getMessage()).toResponse();
    // Without an upstream the run itself was the model: say that there was nothing to vote on.
    return ApiException.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_request_error", "no_answer",
        "the model gave no answer to vote on: " + f.getMessage()).toResponse();
  }

  /** The client's request as sent, for a fall-back pass-through. */
  private record Original(String path, String raw, @Nullable String effort, @Nullable String key) {}

  private Mono<MutableHttpResponse<?>> passthrough(String path, String raw, boolean stream, @Nullable String effort,
      @Nullable String key, ClientGone gone, Admission.Slot slot) {
    Passthrough up = java.util.Objects.requireNonNull(upstream);
    String body = up.rewrite(raw, effort);
    if (!stream) {
      // No thread waits for the upstream: the response completes the publisher from the HTTP client's executor.
      // A client that goes cancels the exchange, which closes the upstream's connection: it stops generating.
      var forget = new java.util.concurrent.atomic.AtomicReference<Runnable>(() -> {});
      return Mono.<MutableHttpResponse<?>>fromFuture(() -> {
            var answer = up.forwardAsync(path, body, key);
            forget.set(gone.whenGone(() -> answer.cancel(true)));
            return answer;
          })
          // Cancelled because the client went: there is no one to answer.
          .onErrorResume(java.util.concurrent.CancellationException.class, e -> Mono.empty())
          .onErrorResume(ApiException.class, e -> Mono.just(e.toResponse()))
          .doFinally(s -> {
            forget.get().run();
            slot.close();
          });
    }
    MutableHttpResponse<?> r;
    try {
      r = up.stream(path, body, key);
    } catch (ApiException e) {
      slot.close();
      return Mono.just(e.toResponse());
    }
    if (r.getBody().orElse(null) instanceof Flux<?> flux) {
      @SuppressWarnings("unchecked")
      Flux<byte[]> relay = ((Flux<byte[]>) flux).doFinally(s -> slot.close());
      return Mono.just(HttpResponse.ok(relay).contentType("text/event-stream").header("Cache-Control", "no-cache"));
    }
    slot.close();
    return Mono.just(r);
  }

  /** A voted chat stream: keep-alive comments while deciding, then the answer in one chunk, then [DONE]. */
  private Flux<byte[]> decidedStream(ChatPlan p, @Nullable String key, Admission.Slot slot, AtomicBoolean gone) {
    String id = p.id();
    long created = now();
    return keptAlive(slot, gone, g -> {
      ChatResponse r = chatResponse(p, runAll(p.request(), p.n(), key, g), key);
      List<Map<String, Object>> chunks = new ArrayList<>();
      for (Choice c : r.choices()) {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("role", "assistant");
        delta.put("content", c.message().content());
        Map<String, Object> ch = new LinkedHashMap<>();
        ch.put("index", c.index());
        ch.put("delta", delta);
        ch.put("finish_reason", c.finishReason());
        chunks.add(chunk(id, "chat.completion.chunk", created, ch));
      }
      Map<String, Object> last = new LinkedHashMap<>(chunk(id, "chat.completion.chunk", created, null));
      last.put("usage", r.usage());
      last.put("bursar", r.bursar());
      chunks.add(last);
      return chunks;
    }, new Original("/chat/completions", p.raw(), p.effort(), key), true);
  }

  private Flux<byte[]> decidedTextStream(CompletionPlan p, @Nullable String key, Admission.Slot slot, AtomicBoolean gone) {
    String id = p.id();
    long created = now();
    return keptAlive(slot, gone, g -> {
      CompletionResponse r = completionResponse(p, runAll(p.request(), p.n(), key, g));
      List<Map<String, Object>> chunks = new ArrayList<>();
      for (TextChoice c : r.choices()) {
        Map<String, Object> ch = new LinkedHashMap<>();
        ch.put("index", c.index());
        ch.put("text", c.text());
        ch.put("finish_reason", c.finishReason());
        chunks.add(chunk(id, "text_completion", created, ch));
      }
      Map<String, Object> last = new LinkedHashMap<>(chunk(id, "text_completion", created, null));
      last.put("usage", r.usage());
      last.put("bursar", r.bursar());
      chunks.add(last);
      return chunks;
    }, new Original("/completions", p.raw(), null, key), false);
  }

  @FunctionalInterface
  private interface Chunks {
    List<Map<String, Object>> run(AtomicBoolean gone);
  }

  private Flux<byte[]> keptAlive(Admission.Slot slot, AtomicBoolean gone, Chunks work, Original original, boolean chat) {
    return Flux.create(sink -> {
      sink.onDispose(() -> gone.set(true));
      Future<List<Map<String, Object>>> f = executor.submit(() -> {
        try {
          return work.run(gone);
        } finally {
          slot.close();
        }
      });
      executor.submit(() -> {
        try {
          while (true) {
            try {
              for (Map<String, Object> c : f.get(config.keepAlive().toNanos(), TimeUnit.NANOSECONDS)) emit(sink, c);
              break;
            } catch (TimeoutException e) {
              if (gone.get()) return;
              sink.next(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            }
          }
          sink.next(done());
          sink.complete();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof Fallback fb && upstream != null) {
            // The stream is open: the pass-through's answer goes in as chunks.
            relayWhole(sink, fallback(fb, original), chat);
          } else {
            streamError(sink, c instanceof Exception ex ? ex : new IllegalStateException(String.valueOf(c)));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          sink.complete();
        }
      });
    });
  }

  /** Sends a whole (passed-through) response as stream chunks: each choice's content, then [DONE]. */
  private void relayWhole(FluxSink<byte[]> sink, MutableHttpResponse<?> r, boolean chat) {
    byte[] body = r.getBody(byte[].class).orElse(new byte[0]);
    if (r.code() != 200) {
      sink.next(("data: " + new String(body, StandardCharsets.UTF_8).replace('\n', ' ') + "\n\n").getBytes(StandardCharsets.UTF_8));
      sink.next(done());
      sink.complete();
      return;
    }
    try {
      JsonNode root = json.readValue(body, JsonNode.class);
      String id = id(chat ? "chatcmpl-" : "cmpl-");
      JsonNode choices = root.get("choices");
      if (choices != null) {
        for (JsonNode c : choices.values()) {
          Map<String, Object> ch = new LinkedHashMap<>();
          ch.put("index", c.get("index") == null ? 0 : c.get("index").getIntValue());
          JsonNode content = chat ? (c.get("message") == null ? null : c.get("message").get("content")) : c.get("text");
          String text = content == null || !content.isString() ? "" : content.getStringValue();
          ch.put(chat ? "delta" : "text", chat ? Map.of("role", "assistant", "content", text) : text);
          JsonNode finish = c.get("finish_reason");
          ch.put("finish_reason", finish == null || !finish.isString() ? "stop" : finish.getStringValue());
          emit(sink, chunk(id, chat ? "chat.completion.chunk" : "text_completion", now(), ch));
        }
      }
      sink.next(done());
      sink.complete();
    } catch (IOException | RuntimeException e) {
      streamError(sink, new IllegalStateException("the upstream's answer could not be read: " + e.getMessage()));
    }
  }

  private void streamError(FluxSink<byte[]> sink, Exception e) {
    String message = e instanceof ApiException || e instanceof Fallback || e instanceof BackendException
        ? String.valueOf(e.getMessage()) : "bursar failed: " + e;
    sink.next(("data: " + Passthrough.errorEvent(message) + "\n\n").getBytes(StandardCharsets.UTF_8));
    sink.next(done());
    sink.complete();
  }

  private void emit(FluxSink<byte[]> sink, Map<String, Object> chunk) {
    try {
      sink.next(("data: " + new String(json.writeValueAsBytes(chunk), StandardCharsets.UTF_8) + "\n\n")
          .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a stream chunk", e);
    }
  }

  private static byte[] done() {
    return "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, Object> chunk(String id, String object, long created, @Nullable Map<String, Object> choice) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("object", object);
    m.put("created", created);
    m.put("model", modelName());
    m.put("choices", choice == null ? List.of() : List.of(choice));
    return m;
  }

  private static String finish(FinishReason f) {
    return f == FinishReason.LENGTH || f == FinishReason.CANCELLED ? "length" : "stop";
  }

  private Duration deadline(Request r) {
    Budget b = r.hints().budget() != null ? r.hints().budget() : controller.budget();
    if (b.deadline() != null) return b.deadline();
    return controller.budget().deadline() == null ? config.deadline() : controller.budget().deadline();
  }

  private static Duration grace(Duration deadline) {
    // The controller honours the deadline itself at every token; the grace is for a backend that blocks without tokens.
    return deadline.compareTo(Duration.ofSeconds(2)) < 0 ? deadline : Duration.ofSeconds(2);
  }

  private Request.Hints hints(Mode.@Nullable Kind mode, OpenAiApi.@Nullable BursarOptions bursar, @Nullable String effort,
      @Nullable Integer maxTokens, @Nullable Double temperature, @Nullable Long seed) {
    Long budgetTokens = bursar == null ? null : bursar.budgetTokens();
    if (budgetTokens != null && (budgetTokens < 1 || budgetTokens > config.maxBudgetTokens())) {
      throw ApiException.invalid("bursar.budget_tokens", "invalid_value", "bursar.budget_tokens=" + budgetTokens
          + " is out of range: it caps the output tokens of all samples together and must be 1.."
          + config.maxBudgetTokens() + " (bursar.sidecar.max-budget-tokens); leave it out for "
          + config.budgetTokens());
    }
    Integer maxSamples = bursar == null ? null : bursar.maxSamples();
    if (maxSamples != null && (maxSamples < 1 || maxSamples > 64)) {
      throw ApiException.invalid("bursar.max_samples", "invalid_value", "bursar.max_samples=" + maxSamples
          + " is out of range: use 1..64, or leave it out for the plan's");
    }
    Budget base = controller.budget();
    Budget budget = null;
    if (budgetTokens != null) budget = base.withOutputTokens(budgetTokens);
    else if (effort != null) budget = base.withOutputTokens(ReasoningEffort.budget(effort, base.outputTokens(), config.maxBudgetTokens()));
    // Without a seed, samples differ between identical requests, as OpenAI's do.
    return new Request.Hints(mode, budget, maxSamples, maxTokens, temperature,
        seed != null ? seed : ThreadLocalRandom.current().nextLong());
  }

  private int checkN(@Nullable Integer n) {
    if (n == null) return 1;
    if (n < 1 || n > config.maxN()) {
      throw ApiException.invalid("n", "invalid_value", "n=" + n + " is not allowed: ask for 1.." + config.maxN()
          + " choices (bursar.sidecar.max-n), or leave it out for one");
    }
    return n;
  }

  private static void checkMaxTokens(@Nullable Integer maxTokens, String param) {
    if (maxTokens != null && maxTokens < 1) {
      throw ApiException.invalid(param, "invalid_value", param + "=" + maxTokens
          + " is not allowed: it caps the tokens of each sample and must be >= 1; leave it out for the plan's default");
    }
  }

  private static void checkTemperature(@Nullable Double temperature) {
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw ApiException.invalid("temperature", "invalid_value",
          "temperature=" + temperature + " is not allowed: use a value from 0 (greedy) to 2, or leave it out");
    }
  }

  /** {@return the names a request's {@code model} may have} */
  List<String> models() {
    List<String> names = new ArrayList<>(List.of("bursar", controller.backend().name()));
    if (upstream != null && !names.contains(upstream.model())) names.add(upstream.model());
    return names;
  }

  private void checkModel(@Nullable String model) {
    if (model == null || models().contains(model)) return;
    throw ApiException.unknownModel("the model \"" + brief(model) + "\" is not served here: use one of " + models()
        + " (GET /v1/models lists them)");
  }

  private String modelName() {
    return upstream != null ? upstream.model() : controller.backend().name();
  }

  private <T> T decode(String raw, Class<T> type, String example) {
    T req;
    try {
      req = json.readValue(raw, type);
    } catch (IOException | RuntimeException e) {
      throw ApiException.invalid(null, "invalid_json", "the request body is not a valid request ("
          + oneLine(e.getMessage()) + "); send JSON like " + example);
    }
    if (req == null) throw ApiException.invalid(null, "invalid_json", "the request body is JSON null: send " + example);
    return req;
  }

  private static String oneLine(@Nullable String s) {
    if (s == null) return "unreadable";
    return brief(s.replaceAll("\\s+", " ").strip());
  }

  private static String brief(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** {@return the text of the last user message} */
  private static String question(List<@Nullable Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m == null) {
        throw ApiException.invalid("messages[" + i + "]", "invalid_message",
            "messages[" + i + "] is null: every message is an object like " + EXAMPLE);
      }
      if (m.role() == null) {
        throw ApiException.invalid("messages[" + i + "].role", "missing_role",
            "messages[" + i + "].role is missing: give each message a role (system, user or assistant), e.g. " + EXAMPLE);
      }
      if (!"user".equals(m.role().toLowerCase(Locale.ROOT))) continue;
      String text = text(m.content(), i);
      if (text.isBlank()) {
        throw ApiException.invalid("messages[" + i + "].content", "empty_content",
            "messages[" + i + "].content is empty: put the question in the last user message, e.g. " + EXAMPLE);
      }
      return text;
    }
    throw ApiException.invalid("messages", "no_user_message", "messages has no message with role \"user\": "
        + "bursar answers the last user message; add one, e.g. " + EXAMPLE);
  }

  /** {@return a content string, or the text parts of a content array joined} */
  private static String text(@Nullable JsonNode content, int i) {
    String where = "messages[" + i + "].content";
    if (content == null || content.isNull()) {
      throw ApiException.invalid(where, "missing_content", where + " is missing: put the question there, e.g. " + EXAMPLE);
    }
    if (content.isString()) return content.getStringValue();
    if (content.isArray()) {
      var sb = new StringBuilder();
      for (JsonNode part : content.values()) {
        JsonNode type = part.isObject() ? part.get("type") : null;
        JsonNode text = part.isObject() ? part.get("text") : null;
        if (type == null || !type.isString() || !"text".equals(type.getStringValue()) || text == null || !text.isString()) {
          throw ApiException.invalid(where, "unsupported_content", where + " has a part that is not "
              + "{\"type\":\"text\",\"text\":\"...\"}: bursar reads text only; send the question as a string");
        }
        if (!sb.isEmpty()) sb.append('\n');
        sb.append(text.getStringValue());
      }
      return sb.toString();
    }
    throw ApiException.invalid(where, "unsupported_content",
        where + " must be a string (or an array of text parts), e.g. " + EXAMPLE);
  }

  /** {@return the mode a client names, or null for the policy's choice} @throws ApiException 400 for an unknown name */
  private Mode.@Nullable Kind mode(@Nullable String modeName) {
    if (modeName == null) return null;
    return switch (modeName.toLowerCase(Locale.ROOT)) {
      case "fast" -> Mode.Kind.FAST;
      case "self_consistency" -> Mode.Kind.SELF_CONSISTENCY;
      case "deep_search" -> Mode.Kind.DEEP_SEARCH;
      default -> throw ApiException.invalid("bursar.mode", "invalid_value", "bursar.mode \"" + brief(modeName)
          + "\" is not a mode: use \"fast\", \"self_consistency\" or \"deep_search\", or leave it out for the "
          + "policy's choice (" + controller.policy().description() + ")");
    };
  }

  /**
   * A response id: 128 random bits in 32 hex digits. Ids must be unique, not secret (feedback on an id
   * is guarded by the sidecar's own auth), so they come from {@link ThreadLocalRandom}: {@code
   * UUID.randomUUID()} reads the shared SecureRandom under a lock, which was a seventh of a FAST
   * pass-through's own CPU time in {@code bench sidecar}'s profile.
   */
  static String id(String prefix) {
    var r = java.util.concurrent.ThreadLocalRandom.current();
    return prefix + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
  }

  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @PreDestroy
  void close() {
    executor.shutdownNow();
  }
}

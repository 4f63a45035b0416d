package dev.bursar.sidecar.serve;

import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Request;
import dev.bursar.controller.Budget;
import dev.bursar.sidecar.serve.OpenAiApi.BursarInfo;
import dev.bursar.sidecar.serve.OpenAiApi.ChatRequest;
import dev.bursar.sidecar.serve.OpenAiApi.ChatResponse;
import dev.bursar.sidecar.serve.OpenAiApi.Choice;
import dev.bursar.sidecar.serve.OpenAiApi.Message;
import dev.bursar.sidecar.serve.OpenAiApi.ResponseMessage;
import dev.bursar.sidecar.serve.OpenAiApi.Usage;
import io.micronaut.json.tree.JsonNode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;

import java.util.List;
import java.util.Locale;


import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Serves one chat completion: checks the request (every problem is a 400 that says how to fix
 * it), admits it if fewer than {@code bursar.sidecar.max-concurrent} requests are in flight (else
 * 503), runs the controller on a virtual thread under the request's deadline, and maps the
 * {@link Outcome} to the OpenAI response (answered and abstained: 200; failed: 502, or 504 when the
 * deadline fired).
 *
 * <p>A permit is returned when the controller run ends, not when the client gets its 504: a
 * backend that ignores cancellation still counts against capacity, so the work in flight stays
 * bounded.
 */
@Singleton
final class ChatService {
  /** The question example every message about the question points to. */
  static final String EXAMPLE = "{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}";

  private final ComputeController controller;
  private final QuestionPrompter prompter;
  private final SidecarConfig config;
  private final Semaphore permits;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  ChatService(ComputeController controller, QuestionPrompter prompter, SidecarConfig config) {
    this.controller = controller;
    this.prompter = prompter;
    this.config = config;
    this.permits = new Semaphore(config.maxConcurrent());
  }

  /** What a checked request runs: the model prompt with the client's hints. */
  record Prepared(Request request) {}

  /** {@return the response to {@code body}} @throws ApiException with the status and message to send */
  ChatResponse complete(ChatRequest body) {
    Prepared p = prepare(body);
    if (!permits.tryAcquire()) {
      long wait = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
      throw ApiException.overloaded("bursar is at capacity: " + config.maxConcurrent() + " requests are in flight "
          + "(bursar.sidecar.max-concurrent=" + config.maxConcurrent() + "). Retry after " + wait
          + " s, or raise bursar.sidecar.max-concurrent.", (int) wait);
    }
    Future<Outcome> run;
    try {
      run = executor.submit(() -> {
        try {
          return controller.run(p.request());
        } finally {
          permits.release();
        }
      });
    } catch (RejectedExecutionException e) {
      permits.release();
      throw ApiException.of(io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE, "overloaded_error", "shutting_down",
          "bursar is shutting down; retry on another instance");
    }
    // A budget hint only replaces the tokens (prepare keeps the default's deadline).
    Duration deadline = controller.budget().deadline() == null ? config.deadline() : controller.budget().deadline();
    // The controller honours the deadline itself at every token and answers with what it has; the
    // grace is for a backend that blocks without producing tokens.
    Duration grace = deadline.compareTo(Duration.ofSeconds(2)) < 0 ? deadline : Duration.ofSeconds(2);
    Outcome out;
    try {
      out = run.get(deadline.plus(grace).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      run.cancel(true);
      throw ApiException.deadline("the request ran past its deadline of " + human(deadline) + " and was cancelled; "
          + "the backend " + controller.backend().name() + " produced no answer in time. Retry, ask for less with "
          + "\"bursar\":{\"mode\":\"fast\"}, or raise bursar.sidecar.deadline.");
    } catch (InterruptedException e) {
      run.cancel(true);
      Thread.currentThread().interrupt();
      throw ApiException.of(io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE, "overloaded_error", "shutting_down",
          "bursar is shutting down; retry on another instance");
    } catch (ExecutionException e) {
      // ComputeController.run does not throw; this is a bug, reported as a failed upstream call.
      throw ApiException.upstream("the controller failed: " + e.getCause());
    }
    return respond(out);
  }

  /** Checks the request and builds what it runs. @throws ApiException 400 saying what is wrong and how to fix it */
  Prepared prepare(ChatRequest body) {
    List<@Nullable Message> messages = body.messages();
    if (messages == null) {
      throw ApiException.invalid("messages", "missing_messages",
          "messages is missing: send the conversation as \"messages\":[" + EXAMPLE + "]");
    }
    if (messages.isEmpty()) {
      throw ApiException.invalid("messages", "empty_messages",
          "messages is empty: send at least one user message, e.g. \"messages\":[" + EXAMPLE + "]");
    }
    if (body.n() != null && body.n() != 1) {
      throw ApiException.invalid("n", "unsupported_n", "n=" + body.n() + " is not supported: bursar returns one "
          + "answer per request, voted over several samples when the plan says so. Send \"n\":1 or leave it out.");
    }
    if (Boolean.TRUE.equals(body.stream())) {
      throw ApiException.invalid("stream", "unsupported_stream",
          "stream=true is not supported yet: send \"stream\":false or leave it out, and read the whole response.");
    }
    Integer maxTokens = body.maxTokens() != null ? body.maxTokens() : body.maxCompletionTokens();
    String maxParam = body.maxTokens() != null ? "max_tokens" : "max_completion_tokens";
    if (maxTokens != null && maxTokens < 1) {
      throw ApiException.invalid(maxParam, "invalid_value", maxParam + "=" + maxTokens
          + " is not allowed: it caps the tokens of each sample and must be >= 1; leave it out for the plan's default");
    }
    Double temperature = body.temperature();
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw ApiException.invalid("temperature", "invalid_value",
          "temperature=" + temperature + " is not allowed: use a value from 0 (greedy) to 2, or leave it out");
    }
    String modeName = body.bursar() == null ? null : body.bursar().mode();
    Long budgetTokens = body.bursar() == null ? null : body.bursar().budgetTokens();
    if (budgetTokens != null && (budgetTokens < 1 || budgetTokens > config.maxBudgetTokens())) {
      throw ApiException.invalid("bursar.budget_tokens", "invalid_value", "bursar.budget_tokens=" + budgetTokens
          + " is out of range: it caps the output tokens of all samples together and must be 1.."
          + config.maxBudgetTokens() + " (bursar.sidecar.max-budget-tokens); leave it out for "
          + config.budgetTokens());
    }
    String question = question(messages);
    String prompt;
    try {
      prompt = prompter.prompt(question);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("messages", "unsupported_question", String.valueOf(e.getMessage()));
    }
    Budget base = controller.budget();
    var hints = new Request.Hints(mode(modeName), budgetTokens == null ? null : base.withOutputTokens(budgetTokens),
        null, maxTokens, temperature,
        // Without a seed, samples differ between identical requests, as OpenAI's do.
        body.seed() != null ? body.seed() : ThreadLocalRandom.current().nextLong());
    return new Prepared(Request.of(prompt).withHints(hints));
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
      default -> throw ApiException.invalid("bursar.mode", "invalid_value", "bursar.mode \"" + modeName
          + "\" is not a mode: use \"fast\", \"self_consistency\" or \"deep_search\", or leave it out for the "
          + "policy's choice (" + controller.policy().description() + ")");
    };
  }

  /** {@return the response for an answered or abstained outcome} @throws ApiException 502/504 for a failed one */
  private ChatResponse respond(Outcome out) {
    String content;
    BursarInfo info = switch (out) {
      case Outcome.Answered a -> {
        content = a.answer();
        yield new BursarInfo("answered", a.mode(), a.plan().describe(), a.spend().samples(), a.spend().inputTokens(),
            a.spend().outputTokens(), a.exitLabels(), Double.isNaN(a.confidence()) ? null : a.confidence(), a.text(),
            a.spend().elapsed().toMillis(), null, null);
      }
      case Outcome.Abstained a -> {
        content = "";
        yield new BursarInfo("abstained", a.mode(), a.plan().describe(), a.spend().samples(), a.spend().inputTokens(),
            a.spend().outputTokens(), a.exitLabels(), null, null, a.spend().elapsed().toMillis(), a.reason(), a.bestGuess());
      }
      case Outcome.Failed f -> {
        if (f.cause() == Outcome.Failed.Cause.UNSUPPORTED) {
          throw ApiException.invalid("bursar.mode", "unsupported_mode", "the requested bursar.mode cannot run on the "
              + "backend " + controller.backend().name() + ": " + f.error() + ". Use another mode or leave it out.");
        }
        if (f.cause() == Outcome.Failed.Cause.DEADLINE) {
          throw ApiException.deadline("the request ran past its deadline of " + human(config.deadline()) + ": "
              + f.error() + ". Retry, ask for less with \"bursar\":{\"mode\":\"fast\"}, or raise bursar.sidecar.deadline.");
        }
        throw ApiException.upstream("the backend failed: " + f.error()
            + (f.retryable() ? " (retrying may succeed)" : ""));
      }
    };
    var usage = new Usage(out.spend().inputTokens(), out.spend().outputTokens(), out.spend().inputTokens() + out.spend().outputTokens());
    var choice = new Choice(0, new ResponseMessage("assistant", content), "stop");
    return new ChatResponse("chatcmpl-" + UUID.randomUUID().toString().replace("-", ""), "chat.completion",
        System.currentTimeMillis() / 1000, controller.backend().name(), List.of(choice), usage, info);
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @PreDestroy
  void close() {
    executor.shutdownNow();
  }
}

package dev.bursar.sidecar.serve;

import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Request;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/bursar/decide}: the decision alone, for clients that drive their own engine: the
 * mode, the sample cap, the budgets, and what the estimator predicts (difficulty, length), without
 * generating anything. The body is a chat request ({@code messages}; the last user message is the
 * question) or {@code {"prompt": "..."}}, with the same {@code bursar} hints as a chat completion.
 */
@Controller
final class DecideController {
  private final ComputeController controller;
  private final QuestionPrompter prompter;
  private final JsonMapper json;

  DecideController(ComputeController controller, QuestionPrompter prompter, JsonMapper json) {
    this.controller = controller;
    this.prompter = prompter;
    this.json = json;
  }

  static final String EXAMPLE = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}]}";

  @Post(uri = "/v1/bursar/decide", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<Map<String, Object>> decide(@Body String body) {
    RequestJson.check(body, EXAMPLE);
    JsonNode root;
    try {
      root = json.readValue(body, JsonNode.class);
    } catch (IOException e) {
      throw ApiException.invalid(null, "invalid_json", "the body is not JSON: " + e.getMessage());
    }
    String question = question(root);
    if (question == null || question.isBlank()) throw error("give \"messages\" with a user message, or a non-empty \"prompt\"");
    Request.Hints hints = Request.Hints.NONE;
    JsonNode temperature = root.get("temperature");
    if (temperature != null && temperature.isNumber()) {
      double t = temperature.getDoubleValue();
      if (!(t >= 0 && t <= 2)) throw error("temperature must be from 0 (greedy) to 2, was " + t);
      hints = hints.withTemperature(t);
    }
    JsonNode bursar = root.get("bursar");
    if (bursar != null && bursar.isObject()) {
      JsonNode mode = bursar.get("mode");
      if (mode != null && mode.isString()) {
        try {
          hints = hints.withMode(Mode.Kind.valueOf(mode.getStringValue().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw error("bursar.mode \"" + mode.getStringValue() + "\" is not a mode: use fast, self_consistency or deep_search");
        }
      }
      JsonNode samples = bursar.get("max_samples");
      if (samples != null && samples.isNumber()) {
        if (samples.getIntValue() < 1) throw error("bursar.max_samples must be >= 1");
        hints = hints.withMaxSamples(samples.getIntValue());
      }
      JsonNode tokens = bursar.get("budget_tokens");
      if (tokens != null && tokens.isNumber()) {
        if (tokens.getLongValue() < 1) throw error("bursar.budget_tokens must be >= 1");
        hints = hints.withBudget(controller.budget().withOutputTokens(tokens.getLongValue()));
      }
    }
    String prompt;
    try {
      prompt = prompter.prompt(question);
    } catch (RuntimeException | StackOverflowError e) {
      prompt = question; // deciding needs no prompt the model can read
    }
    var d = controller.decide(Request.of(prompt).withHints(hints));
    Budget budget = hints.budget() != null ? hints.budget() : controller.budget();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", d.plan().mode().name());
    out.put("plan", d.plan().describe());
    out.put("max_samples", switch (d.plan().mode()) {
      case Mode.Fast f -> 1;
      case Mode.SelfConsistency sc -> sc.maxSamples();
      case Mode.DeepSearch ds -> ds.beamWidth() * ds.expansions();
    });
    out.put("max_tokens_per_sample", d.plan().maxTokensPerSample());
    out.put("temperature", d.plan().sampling().temperature());
    out.put("budget_tokens", budget.outputTokens());
    Duration deadline = budget.deadline();
    out.put("deadline_ms", deadline == null ? null : deadline.toMillis());
    Estimate e = d.estimate();
    Map<String, Object> estimate = new LinkedHashMap<>();
    estimate.put("p_correct", finite(e.pCorrect()));
    estimate.put("expected_output_tokens", finite(e.expectedLength()));
    estimate.put("length_shape", finite(e.lengthShape()));
    estimate.put("length_scale", finite(e.lengthScale()));
    estimate.put("source", e.source());
    out.put("estimate", estimate);
    out.put("policy", controller.policy().description());
    out.put("fallback", d.fallback());
    if (d.unsupported() != null) out.put("unsupported", d.unsupported());
    return HttpResponse.ok(out);
  }

  private static @Nullable Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static @Nullable String question(JsonNode root) {
    JsonNode prompt = root.get("prompt");
    if (prompt != null && prompt.isString()) return prompt.getStringValue();
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray()) return null;
    String last = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      JsonNode role = m == null ? null : m.get("role");
      JsonNode content = m == null ? null : m.get("content");
      if (role != null && "user".equals(role.getStringValue()) && content != null && content.isString()) last = content.getStringValue();
    }
    return last;
  }

  private static ApiException error(String message) {
    return ApiException.invalid(null, "invalid_value", message);
  }
}

package dev.bursar.sidecar.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The wire shapes of the OpenAI-compatible API (non-streaming chat completions, the model list,
 * the error object), plus bursar's {@code bursar} extension objects. Field names are the OpenAI
 * ones (snake case). Requests are lenient: fields bursar does not use ({@code top_p}, {@code user},
 * ...) are ignored, and every field is nullable so that the handler, not the decoder, says what is
 * missing.
 */
final class OpenAiApi {
  private OpenAiApi() {}

  /**
   * {@code POST /v1/chat/completions} request. {@code tools}, {@code tool_choice},
   * {@code functions} and {@code response_format} are read only to know that the answer cannot be
   * voted on; the upstream gets the client's body as sent.
   */
  @Serdeable
  record ChatRequest(
      @Nullable String model,
      @Nullable List<@Nullable Message> messages,
      @JsonProperty("max_tokens") @Nullable Integer maxTokens,
      @JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
      @Nullable Double temperature,
      @Nullable Long seed,
      @Nullable Integer n,
      @Nullable Boolean stream,
      @Nullable Boolean logprobs,
      @JsonProperty("top_logprobs") @Nullable Integer topLogprobs,
      @JsonProperty("reasoning_effort") @Nullable String reasoningEffort,
      @Nullable JsonNode tools,
      @JsonProperty("tool_choice") @Nullable JsonNode toolChoice,
      @Nullable JsonNode functions,
      @JsonProperty("response_format") @Nullable JsonNode responseFormat,
      @Nullable BursarOptions bursar) {}

  /** {@code POST /v1/completions} request: {@code prompt} is a string (arrays of prompts go through unchanged). */
  @Serdeable
  record CompletionRequest(
      @Nullable String model,
      @Nullable JsonNode prompt,
      @JsonProperty("max_tokens") @Nullable Integer maxTokens,
      @Nullable Double temperature,
      @JsonProperty("top_p") @Nullable Double topP,
      @Nullable Long seed,
      @Nullable Integer n,
      @Nullable Boolean stream,
      @Nullable Integer logprobs,
      @Nullable JsonNode stop,
      @Nullable BursarOptions bursar) {}

  /**
   * One chat message. {@code content} is a string or, as OpenAI also allows, an array of parts
   * ({@code {"type":"text","text":"..."}}).
   */
  @Serdeable
  record Message(@Nullable String role, @Nullable JsonNode content) {}

  /** bursar's extension object of a request: a mode override, an output-token budget, a cap on samples. */
  @Serdeable
  record BursarOptions(@Nullable String mode, @JsonProperty("budget_tokens") @Nullable Long budgetTokens,
      @JsonProperty("max_samples") @Nullable Integer maxSamples) {}

  /** {@code POST /v1/chat/completions} response. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ChatResponse(
      String id,
      String object,
      long created,
      String model,
      List<Choice> choices,
      Usage usage,
      BursarInfo bursar) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Choice(int index, ResponseMessage message, @Nullable Object logprobs,
      @JsonProperty("finish_reason") String finishReason) {}

  /** {@code POST /v1/completions} response. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record CompletionResponse(String id, String object, long created, String model, List<TextChoice> choices,
      Usage usage, BursarInfo bursar) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record TextChoice(int index, String text, @Nullable Object logprobs,
      @JsonProperty("finish_reason") String finishReason) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ResponseMessage(String role, String content) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Usage(
      @JsonProperty("prompt_tokens") long promptTokens,
      @JsonProperty("completion_tokens") long completionTokens,
      @JsonProperty("total_tokens") long totalTokens,
      @JsonProperty("prompt_tokens_details") PromptDetails promptDetails,
      @JsonProperty("completion_tokens_details") CompletionDetails completionDetails) {
    static Usage of(long prompt, long completion, long reasoning) {
      return of(prompt, completion, reasoning, 0);
    }

    static Usage of(long prompt, long completion, long reasoning, long cached) {
      return new Usage(prompt, completion, prompt + completion, new PromptDetails(cached), new CompletionDetails(reasoning));
    }
  }

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record PromptDetails(@JsonProperty("cached_tokens") long cachedTokens) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record CompletionDetails(@JsonProperty("reasoning_tokens") long reasoningTokens) {}

  /**
   * What the controller did for the request.
   *
   * @param outcome {@code answered}, {@code abstained} or {@code passthrough} (sent to the upstream unchanged)
   * @param cost what the request was charged, in tokens: input (every re-sent prompt) plus output
   * @param fallback why bursar passed the request through instead of deciding it (null when it decided)
   * @param plan the plan's one-line description
   * @param thinking the winning sample's text (answered only)
   * @param confidence the winning answer's share of the vote (answered only)
   * @param reason why no answer was given (abstained only)
   * @param bestGuess the leading answer when abstaining, if any
   */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record BursarInfo(
      String outcome,
      String mode,
      String plan,
      int samples,
      @JsonProperty("input_tokens") long inputTokens,
      @JsonProperty("output_tokens") long outputTokens,
      List<String> exits,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double confidence,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String thinking,
      @JsonProperty("elapsed_ms") long elapsedMs,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String reason,
      @JsonProperty("best_guess") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String bestGuess,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double cost,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String fallback) {}

  /** {@code GET /v1/models} response. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ModelList(String object, List<ModelInfo> data) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ModelInfo(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {}

  /** {@code GET /health} response. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Health(String status, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String reason) {}

  /** The OpenAI error shape: {@code {"error":{"message","type","param","code"}}}. */
  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ErrorResponse(ErrorDetail error) {}

  @Serdeable
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ErrorDetail(String message, String type, @Nullable String param, @Nullable String code) {}
}

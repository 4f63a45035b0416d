package dev.bursar.controller.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span and metric attribute keys: the OpenTelemetry GenAI conventions we use (copied rather than
 * depending on the alpha semconv artifact) and bursar's own.
 */
public final class BursarAttributes {
  private BursarAttributes() {}

  public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<Long> GEN_AI_REQUEST_CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  public static final AttributeKey<String> GEN_AI_TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  /** Proposed, not yet stable: emitted only when the operator turns cost attributes on. */
  public static final AttributeKey<Double> GEN_AI_USAGE_COST_AMOUNT = AttributeKey.doubleKey("gen_ai.usage.cost.amount");
  public static final AttributeKey<String> GEN_AI_USAGE_COST_CURRENCY = AttributeKey.stringKey("gen_ai.usage.cost.currency");
  public static final AttributeKey<String> GEN_AI_USAGE_COST_SOURCE = AttributeKey.stringKey("gen_ai.usage.cost.source");

  public static final AttributeKey<String> MODE = AttributeKey.stringKey("bursar.mode");
  public static final AttributeKey<String> DECISION = AttributeKey.stringKey("bursar.decision");
  public static final AttributeKey<Long> SAMPLES = AttributeKey.longKey("bursar.samples");
  public static final AttributeKey<String> EXIT_REASON = AttributeKey.stringKey("bursar.exit.reason");
  public static final AttributeKey<Double> CONFIDENCE = AttributeKey.doubleKey("bursar.estimate.confidence");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("bursar.outcome");
  public static final AttributeKey<Double> COST = AttributeKey.doubleKey("bursar.cost");
  public static final AttributeKey<Long> TOKENS_SAVED = AttributeKey.longKey("bursar.tokens.saved");
  public static final AttributeKey<String> ESTIMATE = AttributeKey.stringKey("bursar.estimate");
  public static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("bursar.fallback");
  public static final AttributeKey<Long> VOTES = AttributeKey.longKey("bursar.votes");
  /** Prompt and answer text: only when the operator turns it on. */
  public static final AttributeKey<String> PROMPT = AttributeKey.stringKey("bursar.prompt");
  public static final AttributeKey<String> ANSWER = AttributeKey.stringKey("bursar.answer");
}

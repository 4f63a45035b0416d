package dev.bursar.controller.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span and metric attribute keys: the OpenTelemetry GenAI conventions we use (copied rather than
 * depending on the alpha semconv artifact) and bursar's own.
 */
public final class BursarAttributes {
  private BursarAttributes() {}

  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

  public static final AttributeKey<String> MODE = AttributeKey.stringKey("bursar.mode");
  public static final AttributeKey<String> DECISION = AttributeKey.stringKey("bursar.decision");
  public static final AttributeKey<Long> SAMPLES = AttributeKey.longKey("bursar.samples");
  public static final AttributeKey<String> EXIT_REASON = AttributeKey.stringKey("bursar.exit.reason");
  public static final AttributeKey<Double> CONFIDENCE = AttributeKey.doubleKey("bursar.estimate.confidence");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("bursar.outcome");
}

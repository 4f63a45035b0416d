package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The sidecar's settings, under {@code bursar.sidecar.*} ({@code application.yml}, system
 * properties, or the {@code serve} command's flags).
 *
 * @param modelDir a checkpoint directory ({@code config.json}, {@code model.safetensors},
 *     {@code tokenizer.json}); unset: the embedded model
 * @param maxConcurrent requests in flight at once; one more gets 503 with {@code Retry-After}
 * @param budgetTokens default output-token budget of a request (all samples together)
 * @param maxBudgetTokens the most a request may ask for with {@code bursar.budget_tokens}
 * @param deadline wall-clock limit of a request; past it the client gets what was decided or a 504
 * @param retryAfter what a 503 tells the client to wait
 * @param traceLog a file to append one trace record per request to (JSON lines, readable by the
 *     replay backend and {@code bench replay}); unset: no trace log
 * @param policy a policy file written by {@code bursar tune} (its estimator and policy decide every
 *     request); unset: the presets with the default plan
 */
@ConfigurationProperties("bursar.sidecar")
public record SidecarConfig(
    @Nullable String modelDir,
    @Bindable(defaultValue = "4") int maxConcurrent,
    @Bindable(defaultValue = "2048") long budgetTokens,
    @Bindable(defaultValue = "16384") long maxBudgetTokens,
    @Bindable(defaultValue = "20s") Duration deadline,
    @Bindable(defaultValue = "1s") Duration retryAfter,
    @Nullable String traceLog,
    @Nullable String policy) {

  public SidecarConfig {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("bursar.sidecar.max-concurrent must be >= 1, was " + maxConcurrent);
    }
    if (budgetTokens < 1) {
      throw new IllegalArgumentException("bursar.sidecar.budget-tokens must be >= 1, was " + budgetTokens);
    }
    if (maxBudgetTokens < budgetTokens) {
      throw new IllegalArgumentException("bursar.sidecar.max-budget-tokens must be >= budget-tokens ("
          + budgetTokens + "), was " + maxBudgetTokens);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("bursar.sidecar.deadline must be positive, was " + deadline);
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("bursar.sidecar.retry-after must be >= 0, was " + retryAfter);
    }
  }
}

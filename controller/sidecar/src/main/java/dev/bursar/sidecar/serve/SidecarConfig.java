package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The sidecar's settings, under {@code bursar.sidecar.*} ({@code application.yml}, system
 * properties, environment variables such as {@code BURSAR_SIDECAR_UPSTREAM}, or the {@code serve}
 * command's flags).
 *
 * @param modelDir a checkpoint directory ({@code config.json}, {@code model.safetensors},
 *     {@code tokenizer.json}); unset: the embedded model
 * @param upstream an OpenAI-compatible server's API root ({@code http://host:8000/v1}) to put
 *     bursar in front of, instead of a local model
 * @param model the model name the upstream serves (required with {@code upstream})
 * @param apiKeyEnv the environment variable that holds the upstream's API key (unset: the client's
 *     own {@code Authorization} is passed through, when bursar's auth is off)
 * @param endpoint where the controller's samples go: {@code chat} (the conversation) or
 *     {@code completions} (the prompt as text, so probes continue a shared prefix)
 * @param dialect how the upstream takes a thinking budget: {@code openai}, {@code vllm}
 *     ({@code thinking_token_budget}), {@code sglang}, {@code llamacpp} (thinking on or off),
 *     {@code ollama}
 * @param authTokenEnv the environment variable that holds the bearer token clients must send to
 *     bursar itself (unset: no auth)
 * @param maxConcurrent requests in flight at once
 * @param maxQueue requests that may wait for a slot, first come first served; one more gets 429
 * @param queueTimeout the longest a request waits in the queue before it gets 429
 * @param maxN the largest {@code n} a request may ask for
 * @param budgetTokens default output-token budget of a request (all samples together)
 * @param maxBudgetTokens the most a request may ask for with {@code bursar.budget_tokens}
 * @param deadline wall-clock limit of a request; past it the client gets what was decided or a 504
 * @param retryAfter what a 429 or 503 tells the client to wait
 * @param keepAlive the interval of the SSE comments sent while a voted answer is being decided
 * @param upstreamConnectTimeout limit on connecting to the upstream
 * @param upstreamReadTimeout limit on the upstream's silence
 * @param traceLog a file to append one trace record per request to (JSON lines); unset: none
 * @param policy a policy file written by {@code bursar tune} (its estimator and policy decide every
 *     request); unset: the presets with the default plan
 * @param prefillProbe a prefill probe ({@code bench live} writes one beside the policy fitted on it):
 *     P(one sample is right) read from the local model's hidden state instead of the prompt's text
 * @param lengthHead a remaining-length head ({@code bench live} writes one): under a budget that binds,
 *     FAST's budget forcing cuts a chain as soon as the head says it cannot close inside the budget
 * @param lengthForecast with {@code policy}: under a budget that binds, FAST's budget forcing cuts a
 *     chain at a step boundary once the policy's estimator forecasts that it will more likely than not overrun
 */
@ConfigurationProperties("bursar.sidecar")
public record SidecarConfig(
    @Nullable String modelDir,
    @Nullable String upstream,
    @Nullable String model,
    @Nullable String apiKeyEnv,
    @Bindable(defaultValue = "chat") String endpoint,
    @Bindable(defaultValue = "openai") String dialect,
    @Nullable String authTokenEnv,
    @Bindable(defaultValue = "4") int maxConcurrent,
    @Bindable(defaultValue = "16") int maxQueue,
    @Bindable(defaultValue = "10s") Duration queueTimeout,
    @Bindable(defaultValue = "16") int maxN,
    @Bindable(defaultValue = "2048") long budgetTokens,
    @Bindable(defaultValue = "16384") long maxBudgetTokens,
    @Bindable(defaultValue = "20s") Duration deadline,
    @Bindable(defaultValue = "1s") Duration retryAfter,
    @Bindable(defaultValue = "5s") Duration keepAlive,
    @Bindable(defaultValue = "5s") Duration upstreamConnectTimeout,
    @Bindable(defaultValue = "120s") Duration upstreamReadTimeout,
    @Nullable String traceLog,
    @Nullable String policy,
    @Nullable String prefillProbe,
    @Nullable String lengthHead,
    @Bindable(defaultValue = "false") boolean lengthForecast) {

  static final Set<String> DIALECTS = Set.of("openai", "vllm", "sglang", "llamacpp", "ollama");

  public SidecarConfig {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("bursar.sidecar.max-concurrent must be >= 1, was " + maxConcurrent);
    }
    if (maxQueue < 0) throw new IllegalArgumentException("bursar.sidecar.max-queue must be >= 0, was " + maxQueue);
    if (maxN < 1 || maxN > 128) throw new IllegalArgumentException("bursar.sidecar.max-n must be 1..128, was " + maxN);
    if (budgetTokens < 1) {
      throw new IllegalArgumentException("bursar.sidecar.budget-tokens must be >= 1, was " + budgetTokens);
    }
    if (maxBudgetTokens < budgetTokens) {
      throw new IllegalArgumentException("bursar.sidecar.max-budget-tokens must be >= budget-tokens ("
          + budgetTokens + "), was " + maxBudgetTokens);
    }
    positive("deadline", deadline);
    positive("keep-alive", keepAlive);
    positive("upstream-connect-timeout", upstreamConnectTimeout);
    positive("upstream-read-timeout", upstreamReadTimeout);
    if (queueTimeout.isNegative()) throw new IllegalArgumentException("bursar.sidecar.queue-timeout must be >= 0, was " + queueTimeout);
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("bursar.sidecar.retry-after must be >= 0, was " + retryAfter);
    }
    endpoint = endpoint.toLowerCase(Locale.ROOT);
    if (!endpoint.equals("chat") && !endpoint.equals("completions")) {
      throw new IllegalArgumentException("bursar.sidecar.endpoint must be chat or completions, was " + endpoint);
    }
    dialect = dialect.toLowerCase(Locale.ROOT);
    if (!DIALECTS.contains(dialect)) {
      throw new IllegalArgumentException("bursar.sidecar.dialect must be one of " + DIALECTS + ", was " + dialect);
    }
    if (upstream != null && modelDir != null) {
      throw new IllegalArgumentException("give either an upstream (--upstream) or a local checkpoint (--model-dir), not both");
    }
    if (prefillProbe != null && (policy == null || upstream != null)) {
      throw new IllegalArgumentException("--prefill-probe reads the local model's hidden states for a fitted policy: give it with "
          + "--policy (the policy fitted on the probe, policy-prefill-probe.json beside it) and without --upstream");
    }
    if (lengthForecast && (policy == null || upstream != null)) {
      throw new IllegalArgumentException("--length-forecast reads each query's length forecast from a fitted policy's estimator while "
          + "the local model thinks: give it with --policy and without --upstream");
    }
    if (lengthHead != null && upstream != null) {
      throw new IllegalArgumentException("--length-head reads the local model's hidden states while it thinks: start without --upstream");
    }
    if (upstream != null && (model == null || model.isBlank())) {
      throw new IllegalArgumentException("--upstream needs --model NAME: the model name the upstream serves "
          + "(curl " + upstream + "/models lists them)");
    }
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("bursar.sidecar." + name + " must be positive, was " + d);
  }
}

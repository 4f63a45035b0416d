package dev.bursar.sidecar.serve;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.openai.OpenAiBackend;
import dev.bursar.backends.openai.UpstreamClient;
import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.QuestionParser;
import dev.bursar.controller.Backend;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.ReasoningFormat;
import dev.bursar.backends.djl.GenerationDefaults;
import java.util.List;
import dev.bursar.policies.Policies;
import dev.bursar.trace.TraceLog;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;

/**
 * The sidecar's beans: the backend (the embedded model, or a checkpoint directory), the controller
 * with the preset policy, the default plan as fallback and the budget, and the question-to-prompt step.
 */
@Factory
final class SidecarFactory {

  /**
   * The default plan: Adaptive-Consistency (Beta posterior, stop at 0.95) over at most 8 samples
   * drawn in waves of 4, each at most 192 tokens. It is also the fallback plan.
   */
  static final Plan DEFAULT_PLAN = Policies.selfConsistencyDefault();

  /** Loads the model once; Micronaut closes it when the context stops. */
  @Singleton
  @Bean(preDestroy = "close")
  Backend backend(SidecarConfig config, io.micronaut.context.env.Environment env) {
    if (config.upstream() != null) {
      return OpenAiBackend.builder().settings(upstreamSettings(config)).model(java.util.Objects.requireNonNull(config.model()))
          .endpoint("completions".equals(config.endpoint()) ? OpenAiBackend.Endpoint.COMPLETIONS : OpenAiBackend.Endpoint.CHAT)
          .build();
    }
    String dir = config.modelDir();
    if (dir != null) {
      Path path = Path.of(dir);
      if (!Files.isDirectory(path)) {
        throw new IllegalArgumentException("--model-dir " + dir + " is not a directory; pass a checkpoint directory "
            + "with config.json, tokenizer.json and model.safetensors (or model.safetensors.index.json and its shards): "
            + "a Llama or Qwen2 checkpoint in the Hugging Face layout, or one written by ./bursar train-model --out DIR");
      }
      return DjlBackend.builder().modelDirectory(path).device(device(env)).build();
    }
    if (!EmbeddedModel.available()) {
      throw new IllegalStateException("the embedded model's weights are not in this build (classpath "
          + EmbeddedModel.RESOURCE_DIR + "); train a model with ./bursar train-model --out DIR and start with "
          + "./bursar serve --model-dir DIR");
    }
    return DjlBackend.builder().embeddedModel().device(device(env)).build();
  }

  static UpstreamClient.Settings upstreamSettings(SidecarConfig config) {
    URI url;
    try {
      url = URI.create(java.util.Objects.requireNonNull(config.upstream()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--upstream " + config.upstream() + " is not a URL: give the server's API root, "
          + "e.g. http://localhost:8000/v1");
    }
    String key = null;
    if (config.apiKeyEnv() != null) {
      key = System.getenv(config.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("--api-key-env " + config.apiKeyEnv() + ": that environment variable is not set "
            + "(export " + config.apiKeyEnv() + "=... before starting bursar)");
      }
    }
    return UpstreamClient.Settings.of(url).withApiKey(key)
        .withTimeouts(config.upstreamConnectTimeout(), config.upstreamReadTimeout());
  }

  /** The pass-through to the upstream, sending through the backend's own client (one breaker for both). */
  @Singleton
  UpstreamHolder upstream(Backend backend, SidecarConfig config) {
    if (config.upstream() == null || !(backend instanceof OpenAiBackend o)) return new UpstreamHolder(null);
    return new UpstreamHolder(new Passthrough(o.client(), o.name(), config.dialect()));
  }

  /** The reward model that scores every whole sample ({@code --verifier}), closed with the context. */
  @Singleton
  @Bean(preDestroy = "close")
  VerifierHolder verifier(VerifierConfig config, SidecarConfig sidecar) {
    if (config.url() == null) return new VerifierHolder(null);
    URI url;
    try {
      url = URI.create(config.url());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--verifier " + config.url() + " is not a URL: give the reward model's pooling endpoint, "
          + "e.g. http://localhost:8001/pooling");
    }
    var settings = UpstreamClient.Settings.of(url).withTimeouts(sidecar.upstreamConnectTimeout(), config.timeout());
    return new VerifierHolder(new dev.bursar.backends.openai.RewardModelVerifier(settings, java.util.Objects.requireNonNull(config.model())));
  }

  /** Holds the verifier (if any) so Micronaut closes it on shutdown. */
  record VerifierHolder(dev.bursar.controller.@org.jspecify.annotations.Nullable SampleVerifier verifier) implements AutoCloseable {
    @Override
    public void close() {
      if (verifier != null) verifier.close();
    }
  }

  @Singleton
  Admission admission(SidecarConfig config) {
    return new Admission(config.maxConcurrent(), config.maxQueue(), config.queueTimeout(), config.retryAfter());
  }

  /** {@return where the embedded model or a checkpoint runs: bursar.sidecar.device, auto by default} */
  private static String device(io.micronaut.context.env.Environment env) {
    return env.getProperty("bursar.sidecar.device", String.class).orElse("auto");
  }

  /** The trace log when {@code bursar.sidecar.trace-log} is set, else a sink that drops every record. */
  @Singleton
  @Bean(preDestroy = "close")
  SidecarTraceSink traceSink(SidecarConfig config, TraceLogConfig log, Backend backend) {
    return config.traceLog() == null ? new SidecarTraceSink(null)
        : new SidecarTraceSink(new dev.bursar.trace.AsyncTraceSink(TraceLog.open(Path.of(config.traceLog()), backend.name(), log.options()), 10_000));
  }

  /** The plan of a free-text chat checkpoint: one sample, sampled as its generation_config.json says. */
  static Plan chatPlan(GenerationDefaults defaults) {
    int max = defaults.maxNewTokens() != null ? defaults.maxNewTokens() : CHAT_MAX_TOKENS;
    return new Plan(new Mode.Fast(), defaults.sampling(), max, List.of());
  }

  /** Output tokens of a chat reply when generation_config.json gives no max_new_tokens. */
  static final int CHAT_MAX_TOKENS = 512;

  /**
   * How the controller reads a chat model's reply: no opening marker (so a reply is never taken for
   * a cut-off arithmetic chain), and what follows a {@code </think>} as the answer. Any other
   * non-empty text is answered as written; the reply the client gets is the whole text either way.
   */
  static final ReasoningFormat CHAT_FORMAT = new ReasoningFormat("", "</think>", "</think>", "\n", List.of());

  @Singleton
  ComputeController computeController(Backend backend, SidecarConfig config, SidecarTraceSink sink, OpenTelemetry otel,
      TelemetryConfig telemetry, PolicyHolder policies, QuestionPrompter prompter, io.micronaut.context.env.Environment env,
      VerifierHolder verifier) {
    var builder = ComputeController.builder()
        .traceSink(sink.sink())
        .backend(ClientScope.scoped(backend))
        .budget(Budget.ofTokens(config.budgetTokens()).withDeadline(config.deadline()))
        .openTelemetry(otel)
        .prices(telemetry.prices(env.getProperties("bursar.telemetry.prices", io.micronaut.core.naming.conventions.StringConvention.RAW)))
        .baselineSamples(telemetry.baselineSamples())
        .costAttributes(telemetry.costAttributes())
        .captureText(telemetry.captureText());
    if (verifier.verifier() != null) builder.verifier(verifier.verifier());
    policies.policy().ifPresent(p -> {
      if (verifier.verifier() == null && p.current().readsVerifier()) {
        System.err.println("bursar: warning: the policy's sample reader was fitted on a verifier's scores, and no --verifier "
            + "scores samples here: it reads their text and answer alone, and stops later than it was measured to");
      }
    });
    if (prompter.freeText()) {
      // Self-consistency votes on extracted answers; free text has none, so a chat model runs FAST.
      if (policies.policy().isPresent()) {
        throw new IllegalArgumentException("--policy: a fitted policy decides for the arithmetic model; the checkpoint in "
            + "--model-dir is a chat model, which runs one sample (FAST) per request. Start without --policy.");
      }
      GenerationDefaults defaults = backend instanceof DjlBackend d ? d.generationDefaults() : GenerationDefaults.NONE;
      return builder.format(CHAT_FORMAT).plan(chatPlan(defaults)).build();
    }
    builder.fallback(DEFAULT_PLAN);
    // A fitted policy (--policy FILE) is validated at start and swapped when the file changes.
    return policies.policy()
        .map(p -> builder.estimator(estimator(p.estimator(), backend, config)).policy(withLengthForcing(p.policy(), backend, config)).build())
        .orElseGet(() -> builder.policy(withLengthForcing(Policies.presets(DEFAULT_PLAN), backend, config)).build());
  }

  /**
   * The policy, or its FAST plans under a binding budget forced by the query's length forecast
   * ({@code --length-forecast}) and, where both are given, by the remaining-length head ({@code --length-head}).
   */
  private static dev.bursar.controller.Policy withLengthForcing(dev.bursar.controller.Policy policy, Backend backend, SidecarConfig config) {
    if (config.lengthForecast()) policy = new dev.bursar.policies.LengthForecastPolicy(policy);
    if (config.lengthHead() == null) return policy;
    var head = dev.bursar.controller.LinearProbe.read(java.nio.file.Path.of(config.lengthHead()));
    head.requireFits(whiteBox(backend, "--length-head"), "--length-head " + config.lengthHead());
    return new dev.bursar.policies.RemainingLengthPolicy(policy, head);
  }

  /** The policy's estimator, or with {@code --prefill-probe} its difficulty read from the local model's prefill. */
  private static dev.bursar.controller.Estimator estimator(dev.bursar.controller.Estimator fitted, Backend backend, SidecarConfig config) {
    if (config.prefillProbe() == null) return fitted;
    var probe = dev.bursar.controller.LinearProbe.read(java.nio.file.Path.of(config.prefillProbe()));
    return new dev.bursar.estimators.PrefillProbeEstimator(fitted, whiteBox(backend, "--prefill-probe"), probe);
  }

  /** {@return the backend as a white-box one}, or a refusal naming the flag that needs one */
  private static dev.bursar.controller.WhiteBoxBackend whiteBox(Backend backend, String flag) {
    if (backend instanceof dev.bursar.controller.WhiteBoxBackend wb) return wb;
    throw new IllegalArgumentException(flag + " needs a local model whose hidden states bursar can read; " + backend.name() + " is not one");
  }

  /** Holds the trace log (if any) so Micronaut closes it on shutdown. */
  record SidecarTraceSink(dev.bursar.trace.@org.jspecify.annotations.Nullable AsyncTraceSink async) implements AutoCloseable {
    /** Records go to the log on a writer thread of their own: logging never adds to a request's latency. */
    dev.bursar.controller.TraceSink sink() {
      return async == null ? dev.bursar.controller.TraceSink.noop() : async;
    }

    @org.jspecify.annotations.Nullable TraceLog log() {
      return async == null ? null : async.log();
    }

    @Override
    public void close() throws java.io.IOException {
      if (async != null) async.close();
    }
  }

  /**
   * In front of an upstream the question goes as the client wrote it; a checkpoint with a chat
   * template gets the conversation rendered through it, one with another vocabulary the question as
   * written; the embedded model (and checkpoints trained like it) reads arithmetic.
   */
  @Singleton
  QuestionPrompter questionPrompter(SidecarConfig config, Backend backend) {
    if (config.upstream() != null) return question -> question;
    if (backend instanceof DjlBackend d) {
      if (d.chatTemplate().isPresent()) return QuestionPrompter.chat(d.chatTemplate().get());
      if (!d.arithmeticVocabulary()) return QuestionPrompter.plainText();
    }
    return question -> ArithmeticTask.prompt(QuestionParser.parse(question));
  }
}

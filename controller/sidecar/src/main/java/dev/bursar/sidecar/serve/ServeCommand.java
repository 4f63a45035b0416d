package dev.bursar.sidecar.serve;

import dev.bursar.controller.Backend;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bursar serve}: starts the sidecar (Micronaut on Netty) with the OpenAI-compatible API,
 * loads the model once before it accepts requests, prints the URL and a curl line, and runs until
 * interrupted (Ctrl-C or SIGTERM stop the context, which closes the model).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serve an OpenAI-compatible API (POST /v1/chat/completions, GET /v1/models, GET /health) that spends "
            + "test-time compute adaptively: self-consistency that stops once the answer is settled.",
        "Default model: the embedded arithmetic model; --model-dir serves a checkpoint trained by train-model, or a small",
        "Llama or Qwen2 chat checkpoint in the Hugging Face layout (its chat template, one sample per request);",
        "--upstream URL --model NAME puts bursar in front of an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama).",
        "More settings (bursar.sidecar.*) in application.yml; override any with -Dbursar.sidecar.NAME=VALUE "
            + "in BURSAR_JAVA_OPTS."})
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--host", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).",
      defaultValue = "127.0.0.1")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).",
      defaultValue = "8080")
  int port = 8080;

  @Option(names = "--model-dir", paramLabel = "DIR",
      description = "Checkpoint directory (config.json, tokenizer.json, model.safetensors or sharded with its index; "
          + "a chat template in tokenizer_config.json makes it a chat model) instead of the embedded model.")
  @Nullable Path modelDir;

  @Option(names = "--upstream", paramLabel = "URL",
      description = "An OpenAI-compatible server's API root to put bursar in front of, e.g. http://localhost:8000/v1.")
  @Nullable String upstream;

  @Option(names = "--model", paramLabel = "NAME", description = "The model name the upstream serves (with --upstream).")
  @Nullable String model;

  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "Environment variable holding the upstream's API key (never logged). Without it, a client's own "
          + "Authorization header is passed to the upstream.")
  @Nullable String apiKeyEnv;

  @Option(names = "--endpoint", paramLabel = "chat|completions",
      description = "Where bursar's own samples go upstream: chat (default) or completions (probes continue a shared prefix).")
  @Nullable String endpoint;

  @Option(names = "--dialect", paramLabel = "NAME",
      description = "How the upstream takes a thinking budget from reasoning_effort: openai (default), vllm, sglang, llamacpp, ollama.")
  @Nullable String dialect;

  @Option(names = "--auth-token-env", paramLabel = "VAR",
      description = "Environment variable holding a bearer token that clients must send to bursar (default: no auth).")
  @Nullable String authTokenEnv;

  @Option(names = "--max-concurrent", paramLabel = "N",
      description = "Requests in flight at once (default: bursar.sidecar.max-concurrent, 4).")
  @Nullable Integer maxConcurrent;

  @Option(names = "--max-queue", paramLabel = "N",
      description = "Requests that may wait for a slot, first come first served; beyond, 429 with Retry-After (default 16).")
  @Nullable Integer maxQueue;

  @Option(names = "--trace-log", paramLabel = "FILE",
      description = "Append one trace record per request to FILE (JSON lines in the sample pools' format: features, plan, every sample, the outcome).")
  @Nullable Path traceLog;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu",
      description = "Where the embedded model or --model-dir runs: auto (a GPU when DJL sees one), cpu, or gpu (fails without one; default auto).")
  @Nullable String device;

  @Option(names = "--trace-log-max-mb", paramLabel = "MB",
      description = "Rotate the trace log before it passes MB MiB, keeping 5 old files (default 256; 0: never).")
  @Nullable Long traceLogMaxMb;

  @Option(names = "--trace-log-sample", paramLabel = "RATE",
      description = "Record only this fraction of requests in the trace log, in (0, 1] (default 1).")
  @Nullable Double traceLogSample;

  @Option(names = "--trace-log-hash-prompts",
      description = "Keep a SHA-256 of each prompt instead of its text, and no sample texts, in the trace log.")
  boolean traceLogHashPrompts;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "A policy file written by `bursar tune`: its fitted estimator and policy decide every request (default: the presets with self-consistency over 8 samples).")
  @Nullable Path policy;

  @Option(names = "--prefill-probe", paramLabel = "FILE",
      description = "With --policy: read P(right) from the local model's hidden state at the end of the prompt with this probe "
          + "(prefill-probe.properties, written by `bursar bench live` beside policy-prefill-probe.json, the policy fitted on it).")
  @Nullable Path prefillProbe;

  @Option(names = "--length-head", paramLabel = "FILE",
      description = "On the local model: under a budget that pays for less than one full sample (max_tokens, bursar.budget), cut FAST's "
          + "thinking as soon as this remaining-length head says it cannot finish inside the budget, and force the answer "
          + "(remaining-length.properties, written by `bursar bench live`).")
  @Nullable Path lengthHead;

  @Option(names = "--length-forecast",
      description = "With --policy, on the local model: under a budget that pays for less than one full sample, cut FAST's thinking "
          + "at a step boundary once the policy's length forecast (its Gamma for the query) says it will more likely than not "
          + "overrun the budget, and force the answer (no hidden states needed).")
  boolean lengthForecast;

  @Option(names = "--verifier", paramLabel = "URL",
      description = "A reward model's pooling endpoint (vLLM: vllm serve MODEL --runner pooling; URL http://host:port/pooling) that scores "
          + "every whole sample; a policy fitted on such scores reads them to stop early and weigh the vote, and the trace log keeps them.")
  @Nullable String verifier;

  @Option(names = "--verifier-model", paramLabel = "NAME", description = "The reward model's name as --verifier serves it.")
  @Nullable String verifierModel;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("--port must be 0..65535, was " + port);
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.host", host);
    props.put("micronaut.server.port", port);
    if (modelDir != null) props.put("bursar.sidecar.model-dir", modelDir.toAbsolutePath().toString());
    if (maxConcurrent != null) props.put("bursar.sidecar.max-concurrent", maxConcurrent);
    if (maxQueue != null) props.put("bursar.sidecar.max-queue", maxQueue);
    if (upstream != null) props.put("bursar.sidecar.upstream", upstream);
    if (model != null) props.put("bursar.sidecar.model", model);
    if (apiKeyEnv != null) props.put("bursar.sidecar.api-key-env", apiKeyEnv);
    if (endpoint != null) props.put("bursar.sidecar.endpoint", endpoint);
    if (dialect != null) props.put("bursar.sidecar.dialect", dialect);
    if (authTokenEnv != null) props.put("bursar.sidecar.auth-token-env", authTokenEnv);
    if (traceLog != null) props.put("bursar.sidecar.trace-log", traceLog.toAbsolutePath().toString());
    if (traceLogMaxMb != null) props.put("bursar.trace-log.max-mb", traceLogMaxMb);
    if (device != null) props.put("bursar.sidecar.device", device);
    if (traceLogSample != null) props.put("bursar.trace-log.sample-rate", traceLogSample);
    if (traceLogHashPrompts) props.put("bursar.trace-log.hash-prompts", true);
    if (policy != null) props.put("bursar.sidecar.policy", policy.toAbsolutePath().toString());
    if (prefillProbe != null) props.put("bursar.sidecar.prefill-probe", prefillProbe.toAbsolutePath().toString());
    if (lengthHead != null) props.put("bursar.sidecar.length-head", lengthHead.toAbsolutePath().toString());
    if (lengthForecast) props.put("bursar.sidecar.length-forecast", true);
    if (verifier != null) props.put("bursar.verifier.url", verifier);
    if (verifierModel != null) props.put("bursar.verifier.model", verifierModel);
    System.err.println(upstream != null ? "bursar: in front of " + upstream + " (model " + model + ")..."
        : "bursar: loading the model" + (modelDir == null ? " (embedded)" : " from " + modelDir) + "...");
    ApplicationContext context;
    try {
      context = ApplicationContext.builder()
          .banner(false)
          .deduceEnvironment(false)
          // Load the model (and fail) before the port opens, not on the first request.
          .eagerInitSingletons(true)
          .properties(props)
          .start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the sidecar: " + rootMessage(e), e);
    }
    if (upstream == null) warmUp(context);
    EmbeddedServer server = context.getBean(EmbeddedServer.class);
    try {
      server.start();
    } catch (RuntimeException e) {
      context.close();
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + rootMessage(e)
          + "); pick another --port, or stop what is using it", e);
    }
    ComputeController controller = context.getBean(ComputeController.class);
    SidecarConfig config = context.getBean(SidecarConfig.class);
    Admission admission = context.getBean(Admission.class);
    // Ctrl-C and SIGTERM: refuse new requests, let those in flight finish (up to a deadline and its
    // grace), then stop the server and the context, which closes the model.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        java.time.Duration grace = config.deadline().plusSeconds(2);
        admission.stopAccepting();
        System.err.println("bursar: stopping: new requests get 503; finishing " + admission.inFlight()
            + " in flight (at most " + ChatService.human(grace) + ")");
        if (!admission.awaitIdle(grace)) {
          System.err.println("bursar: " + admission.inFlight() + " requests still in flight after " + ChatService.human(grace)
              + "; stopping anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (context.isRunning()) context.close();
    }, "bursar-shutdown"));
    String url = "http://" + displayHost(host) + ":" + server.getPort();
    System.out.println("bursar: serving " + controller.backend().name() + (upstream != null ? " (" + upstream + ")" : "")
        + " at " + url + " (policy "
        + controller.policy().description() + controller.verifier().map(v -> ", samples scored by " + v.name()).orElse("") + ", budget " + controller.budget().outputTokens() + " tokens, deadline "
        + ChatService.human(config.deadline()) + ", at most " + config.maxConcurrent() + " in flight). Ctrl-C stops it.");
    // a chat checkpoint answers anything; the arithmetic model (and an upstream's sample) a sum
    String question = upstream == null && context.getBean(QuestionPrompter.class).freeText()
        ? "Say hello in five words." : "What is 17+25*3?";
    System.out.println("try:");
    System.out.println("  curl -s " + url + "/v1/chat/completions -H 'Content-Type: application/json' \\");
    System.out.println("    -d '{\"model\":\"" + (upstream != null ? model : "bursar")
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}'");
    System.out.flush();
    // The shutdown hook stops the context; this thread only waits for it.
    while (context.isRunning()) Thread.sleep(250);
    return 0;
  }

  /**
   * One short greedy generation before the port opens, so that the first client does not pay for
   * the native engine's and the JIT's first-call work. A failure here is only logged: the requests
   * will report it.
   */
  private static void warmUp(ApplicationContext context) {
    try {
      Backend backend = context.getBean(ComputeController.class).backend();
      String prompt = context.getBean(QuestionPrompter.class).prompt("1+2");
      backend.generate(GenerationRequest.of(prompt, 2, 16, Sampling.GREEDY), TokenListener.NONE);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ServeCommand.class).warn("warm-up generation failed: {}", e.toString());
    }
  }

  private static String displayHost(String host) {
    if ("0.0.0.0".equals(host) || "::".equals(host)) return "localhost";
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** {@return the innermost message: bean creation wraps the backend's own error several times} */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}

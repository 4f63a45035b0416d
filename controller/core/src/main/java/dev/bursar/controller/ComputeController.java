package dev.bursar.controller;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Decides and spends the compute of one request, for every caller (sidecar, library, benchmarks):
 * {@link #run(Request)} computes the query's {@link Features}, asks the {@link Estimator} for an
 * {@link Estimate}, asks the {@link Policy} for a {@link Plan}, checks once that the backend can
 * feed it, runs its mode under the {@link Budget}, and hands a {@link RunRecord} to the
 * {@link TraceSink}.
 *
 * <p>Never throws at request time. Backend failures become {@link Outcome.Failed}; running out of
 * budget an {@link Outcome.Answered} or {@link Outcome.Abstained} with the exit reason. The
 * output-token budget is never exceeded: every backend call is capped to what is left. An estimator
 * or policy that throws, runs past the decision timeout or picks a plan the backend cannot feed
 * does not fail the request: it runs the fallback plan, and {@link #fallbacks()} counts it.
 *
 * {@snippet :
 * var controller = ComputeController.builder()
 *     .backend(backend)
 *     .plan(Plan.selfConsistency(new Mode.SelfConsistency(16, StoppingRules.beta(0.95)), 128))
 *     .budget(Budget.ofTokens(2_048))
 *     .build();
 * switch (controller.run(Request.of("Q:17+25*3\n"))) {
 *   case Outcome.Answered a -> System.out.println(a.answer());
 *   case Outcome.Abstained a -> System.out.println("no answer: " + a.reason());
 *   case Outcome.Failed f -> System.out.println("failed: " + f.error());
 * }
 * }
 */
public final class ComputeController {
  private final Backend backend;
  private final Set<Capability> capabilities;
  private final Estimator estimator;
  private final Policy policy;
  private final Plan fallback;
  private final Budget budget;
  private final ReasoningFormat format;
  private final Ticker ticker;
  private final Telemetry telemetry;
  private final TraceSink sink;
  private final Duration decisionTimeout;
  private final boolean guardDecision;
  private final boolean recording;
  private final boolean needFeatures;
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder sinkFailures = new LongAdder();
  private final @org.jspecify.annotations.Nullable SampleVerifier verifier;
  private final LongAdder verifierFailures = new LongAdder();

  private ComputeController(Builder b) {
    this.backend = Objects.requireNonNull(b.backend);
    this.capabilities = Set.copyOf(backend.capabilities());
    this.estimator = b.estimator;
    this.policy = Objects.requireNonNull(b.policy);
    this.fallback = Objects.requireNonNull(b.fallback);
    this.budget = b.budget;
    this.format = b.format;
    this.ticker = b.ticker;
    this.telemetry = new Telemetry(b.openTelemetry, new Telemetry.Options(b.prices, b.baselineSamples, b.costAttributes, b.captureText, b.provider));
    this.sink = b.sink;
    this.verifier = b.verifier;
    this.decisionTimeout = b.decisionTimeout;
    // The built-in estimator and fixed policy are pure and instant: no thread needed to guard them.
    this.guardDecision = !(estimator instanceof NoEstimator && policy instanceof FixedPolicy);
    this.recording = sink != TraceSink.noop();
    this.needFeatures = recording || !(estimator instanceof NoEstimator);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@return the backend this controller drives} */
  public Backend backend() {
    return backend;
  }

  /** {@return the policy that decides each request's plan} */
  public Policy policy() {
    return policy;
  }

  /** {@return the plan that runs when the estimator or policy fails} */
  public Plan fallbackPlan() {
    return fallback;
  }

  /** {@return the default budget of a request (a request's budget hint replaces it)} */
  public Budget budget() {
    return budget;
  }

  /** {@return how many requests ran the fallback plan because the estimator or policy failed} */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** {@return how many whole samples went unscored because the verifier failed or ran out of time} */
  public long verifierFailures() {
    return verifierFailures.sum();
  }

  /** {@return the verifier that scores whole samples, if one was given} */
  public java.util.Optional<SampleVerifier> verifier() {
    return java.util.Optional.ofNullable(verifier);
  }

  /** {@return the trace records the sink failed to take} */
  public long traceSinkFailures() {
    return sinkFailures.sum();
  }

  /** Decides and runs {@code request}: features, estimate, plan, run, record. */
  public Outcome run(Request request) {
    long start = ticker.read();
    Budget effective = request.hints().budget() != null ? request.hints().budget() : budget;
    Span span = telemetry.startRequest(request, backend.name());
    Context parent = Context.current().with(span);
    Features features;
    Decision d;
    Outcome out;
    try (var scope = parent.makeCurrent()) {
      // Features feed the estimator and the trace record; with neither, skip the pass over the prompt.
      features = needFeatures ? Features.of(request) : Features.NONE;
      d = decide(request, features, effective, parent);
      var ctx = new RunContext(backend, capabilities, request, d.plan, effective, format, ticker, recording, d.estimate.pCorrect(),
          telemetry, verifier, verifierFailures);
      out = d.unsupported != null ? ctx.failed(d.unsupported, Outcome.Failed.Cause.UNSUPPORTED, false) : execute(ctx, d.plan);
      telemetry.endRequest(span, backend.name(), d.plan, d.estimate, d.fallback != null, out, ticker.read() - start);
      record(new RunRecord(request, features, d.estimate, policy.description(), d.plan, d.fallback, ctx.generated(), out));
    }
    return out;
  }

  /** What the estimator and the policy said. */
  private record Choice(Estimate estimate, Plan plan) {}

  /**
   * What the controller decided for one request, before anything is generated.
   *
   * @param estimate what the estimator predicted (difficulty, length)
   * @param plan the plan that would run
   * @param fallback why the fallback plan replaced the policy's, or null
   * @param unsupported why a client's mode hint cannot run on this backend, or null
   */
  public record Decision(Estimate estimate, Plan plan, @Nullable String fallback, @Nullable String unsupported) {}

  /**
   * {@return the decision alone: features, estimate and plan, without generating} For clients
   * that drive their own engine ({@code POST /v1/bursar/decide}). Never throws for a failing
   * estimator or policy: that is a fallback, as in {@link #run}.
   */
  public Decision decide(Request request) {
    Budget effective = request.hints().budget() != null ? request.hints().budget() : budget;
    Features features = needFeatures ? Features.of(request) : Features.NONE;
    return decide(request, features, effective, Context.current());
  }

  private Decision decide(Request request, Features features, Budget effective, Context parent) {
    Choice choice;
    try {
      choice = guardDecision ? guarded(request, features, effective, parent) : decideNow(request, features, effective, parent);
    } catch (RuntimeException e) {
      fallbacks.increment();
      return new Decision(Estimate.UNKNOWN, fallback.honouring(request.hints()), "the estimator or policy failed: " + e, null);
    }
    Estimate estimate = choice.estimate();
    Plan plan = choice.plan();
    Mode.Kind wanted = request.hints().mode();
    if (wanted != null && plan.mode().kind() != wanted) {
      return new Decision(estimate, plan, null, "the policy " + policy.description() + " does not offer mode "
          + wanted + " (it chose " + plan.describe() + ")");
    }
    String missing = missingSignals(plan);
    if (missing == null) return new Decision(estimate, plan, null, null);
    // The client asked for this mode: its mistake, said as such. Otherwise the policy's: fall back.
    if (wanted != null) return new Decision(estimate, plan, null, missing);
    fallbacks.increment();
    return new Decision(estimate, fallback.honouring(request.hints()),
        "the policy chose a plan the backend cannot feed: " + missing, null);
  }

  private Choice decideNow(Request request, Features features, Budget effective, Context parent) {
    // No estimator, nothing estimated: no span for it (one span fewer per request).
    Estimate estimate = Objects.requireNonNull(estimator instanceof NoEstimator ? Estimate.UNKNOWN
        : telemetry.inChild(parent, "bursar.estimate", () -> estimator.estimate(request, features)), "the estimator returned null");
    Plan plan = Objects.requireNonNull(telemetry.inChild(parent, "bursar.decide", () -> policy.decide(request, estimate, effective, capabilities)),
        "the policy returned null");
    return new Choice(estimate, plan);
  }

  /** Runs the estimator and the policy on a virtual thread, so one that hangs cannot hold the request. */
  private Choice guarded(Request request, Features features, Budget effective, Context parent) {
    var task = new FutureTask<>(() -> decideNow(request, features, effective, parent));
    Thread.ofVirtual().name("bursar-decide").start(task);
    try {
      return task.get(decisionTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new IllegalStateException("no decision within " + decisionTimeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deciding");
    }
  }

  private Outcome execute(RunContext ctx, Plan plan) {
    try {
      return switch (plan.mode()) {
        case Mode.Fast f -> FastRunner.run(ctx);
        case Mode.SelfConsistency sc -> SelfConsistencyRunner.run(ctx, sc);
        case Mode.DeepSearch ds -> DeepSearchRunner.run(ctx, ds);
      };
    } catch (BackendException e) {
      return ctx.failed(backend.name() + ": " + e.getMessage(), Outcome.Failed.Cause.BACKEND, e.retryable());
    } catch (RuntimeException e) {
      return ctx.failed(backend.name() + " failed: " + e, Outcome.Failed.Cause.BACKEND, false);
    }
  }

  private void record(RunRecord r) {
    if (!recording) return;
    try {
      sink.record(r);
    } catch (RuntimeException e) {
      sinkFailures.increment();
    }
  }

  /** {@return why the backend cannot feed the plan's rules, or null when it can} */
  private @Nullable String missingSignals(Plan plan) {
    return missingSignals(plan, backend.name(), capabilities);
  }

  static @Nullable String missingSignals(Plan plan, String backendName, Set<Capability> capabilities) {
    Set<Signal> have = Signal.availableFrom(capabilities);
    Set<Signal> need = EnumSet.copyOf(plan.requires());
    need.removeAll(have);
    if (need.isEmpty()) return null;
    return "plan " + plan.describe() + " needs " + new TreeSet<>(need) + " but backend " + backendName
        + " provides only " + new TreeSet<>(have) + "; use a backend with these capabilities or drop the rules that need them";
  }

  /**
   * Set-once builder. {@link #build()} checks that the backend can feed the fallback plan (and the
   * plan given with {@link #plan(Plan)}).
   */
  public static final class Builder {
    private @Nullable Backend backend;
    private Estimator estimator = Estimator.none();
    private @Nullable Policy policy;
    private @Nullable Plan fallback;
    private Budget budget = Budget.DEFAULT;
    private ReasoningFormat format = ReasoningFormat.THINK_TAGS;
    private Ticker ticker = Ticker.system();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private Prices prices = Prices.NONE;
    private int baselineSamples;
    private boolean costAttributes;
    private boolean captureText;
    private String provider = "bursar";
    private TraceSink sink = TraceSink.noop();
    private @org.jspecify.annotations.Nullable SampleVerifier verifier;
    private Duration decisionTimeout = Duration.ofMillis(100);
    private final Set<String> set = new HashSet<>();

    private Builder() {}

    private void once(String what) {
      if (!set.add(what)) throw new IllegalStateException(what + " was already set");
    }

    public Builder backend(Backend b) {
      once("backend");
      this.backend = Objects.requireNonNull(b, "backend");
      return this;
    }

    public Builder estimator(Estimator e) {
      once("estimator");
      this.estimator = Objects.requireNonNull(e, "estimator");
      return this;
    }

    /** The policy that decides each request's plan; without one, {@link #plan(Plan)} or {@code FAST(256)} for all. */
    public Builder policy(Policy p) {
      once("policy");
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /** Runs {@code p} for every request: {@code policy(Policy.fixed(p))}, with {@code p} as the fallback unless one is set. */
    public Builder plan(Plan p) {
      Objects.requireNonNull(p, "plan");
      policy(Policy.fixed(p));
      if (fallback == null) this.fallback = p;
      return this;
    }

    /** The plan a request runs when the estimator or policy fails (default: the fixed plan, or {@code FAST(256)}). */
    public Builder fallback(Plan p) {
      once("fallback");
      this.fallback = Objects.requireNonNull(p, "fallback");
      return this;
    }

    public Builder budget(Budget b) {
      once("budget");
      this.budget = Objects.requireNonNull(b, "budget");
      return this;
    }

    public Builder format(ReasoningFormat f) {
      once("format");
      this.format = Objects.requireNonNull(f, "format");
      return this;
    }

    public Builder ticker(Ticker t) {
      once("ticker");
      this.ticker = Objects.requireNonNull(t, "ticker");
      return this;
    }

    /** Prices per model for {@code bursar.cost} and the cost metric (default: nothing priced). */
    public Builder prices(Prices p) {
      this.prices = Objects.requireNonNull(p, "prices");
      return this;
    }

    /** The baseline plan's samples per request, for {@code bursar.tokens.saved} (default 0: not reported). */
    public Builder baselineSamples(int n) {
      if (n < 0) throw new IllegalArgumentException("baselineSamples must be >= 0, was " + n);
      this.baselineSamples = n;
      return this;
    }

    /** Whether spans carry the proposed {@code gen_ai.usage.cost.*} attributes (not yet stable; default off). */
    public Builder costAttributes(boolean on) {
      this.costAttributes = on;
      return this;
    }

    /** Whether prompts and answers may go on spans (default off: telemetry carries no text). */
    public Builder captureText(boolean on) {
      this.captureText = on;
      return this;
    }

    /** {@code gen_ai.provider.name} on spans and metrics (default {@code bursar}). */
    public Builder provider(String name) {
      this.provider = Objects.requireNonNull(name, "provider");
      return this;
    }

    public Builder openTelemetry(OpenTelemetry otel) {
      once("openTelemetry");
      this.openTelemetry = Objects.requireNonNull(otel, "openTelemetry");
      return this;
    }

    /** A verifier that scores every whole sample (default: none); see {@link SampleVerifier}. */
    public Builder verifier(SampleVerifier v) {
      once("verifier");
      this.verifier = Objects.requireNonNull(v, "verifier");
      return this;
    }

    public Builder traceSink(TraceSink s) {
      once("traceSink");
      this.sink = Objects.requireNonNull(s, "traceSink");
      return this;
    }

    /** How long a user-supplied estimator and policy may take together before the fallback runs (default 100 ms). */
    public Builder decisionTimeout(Duration d) {
      once("decisionTimeout");
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("decisionTimeout must be positive, was " + d);
      this.decisionTimeout = d;
      return this;
    }

    public ComputeController build() {
      if (backend == null) throw new IllegalStateException("backend is required: call backend(...) before build()");
      if (fallback == null) fallback = Plan.fast(256);
      if (policy == null) policy = Policy.fixed(fallback);
      for (Plan p : policy instanceof FixedPolicy f ? List.of(fallback, f.plan()) : List.of(fallback)) {
        String missing = missingSignals(p, backend.name(), backend.capabilities());
        if (missing != null) throw new IllegalStateException(missing);
      }
      return new ComputeController(this);
    }
  }
}

package dev.bursar.controller;

import dev.bursar.controller.telemetry.BursarAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link Plan} against a {@link Backend} under a {@link Budget} and returns an
 * {@link Outcome}. Never throws at request time: backend failures become {@link Outcome.Failed},
 * running out of budget an {@link Outcome.Answered} or {@link Outcome.Abstained} with the exit
 * reason. The output-token budget is never exceeded: every backend call is capped to what is left.
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
  private final Plan plan;
  private final Budget budget;
  private final ReasoningFormat format;
  private final Ticker ticker;
  private final Tracer tracer;

  private ComputeController(Builder b) {
    this.backend = Objects.requireNonNull(b.backend);
    this.plan = b.plan;
    this.budget = b.budget;
    this.format = b.format;
    this.ticker = b.ticker;
    this.tracer = b.openTelemetry.getTracer("dev.bursar.controller");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@return the backend this controller drives} */
  public Backend backend() {
    return backend;
  }

  /** {@return the default plan} */
  public Plan plan() {
    return plan;
  }

  /** {@return the default budget} */
  public Budget budget() {
    return budget;
  }

  /** Runs the default plan under the default budget. */
  public Outcome run(Request request) {
    return run(request, plan, budget);
  }

  /** Runs {@code plan} under {@code budget}; a plan the backend cannot feed fails the request with the reason. */
  public Outcome run(Request request, Plan plan, Budget budget) {
    var ctx = new RunContext(backend, request, plan, budget, format, ticker);
    String missing = missingSignals(plan, backend);
    if (missing != null) return ctx.failed(missing, false);
    Span span = tracer.spanBuilder("bursar.run")
        .setAttribute(BursarAttributes.GEN_AI_REQUEST_MODEL, backend.name())
        .setAttribute(BursarAttributes.MODE, plan.mode().name())
        .setAttribute(BursarAttributes.DECISION, plan.describe())
        .startSpan();
    Outcome out;
    try (var scope = span.makeCurrent()) {
      out = switch (plan.mode()) {
        case Mode.Fast f -> FastRunner.run(ctx);
        case Mode.SelfConsistency sc -> SelfConsistencyRunner.run(ctx, sc);
        case Mode.DeepSearch ds -> DeepSearchRunner.run(ctx, ds);
      };
    } catch (BackendException e) {
      out = ctx.failed(backend.name() + ": " + e.getMessage(), e.retryable());
    } catch (RuntimeException e) {
      out = ctx.failed(backend.name() + " failed: " + e, false);
    }
    span.setAttribute(BursarAttributes.SAMPLES, (long) out.samples());
    span.setAttribute(BursarAttributes.GEN_AI_USAGE_INPUT_TOKENS, out.inputTokens());
    span.setAttribute(BursarAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, out.outputTokens());
    span.setAttribute(BursarAttributes.EXIT_REASON, String.join(",", out.exits()));
    switch (out) {
      case Outcome.Answered a -> span.setAttribute(BursarAttributes.OUTCOME, "answered")
          .setAttribute(BursarAttributes.CONFIDENCE, a.confidence());
      case Outcome.Abstained a -> span.setAttribute(BursarAttributes.OUTCOME, "abstained");
      case Outcome.Failed f -> span.setAttribute(BursarAttributes.OUTCOME, "failed").setStatus(StatusCode.ERROR, f.error());
    }
    span.end();
    return out;
  }

  /** {@return why the backend cannot feed the plan's rules, or null when it can} */
  static @Nullable String missingSignals(Plan plan, Backend backend) {
    Set<Signal> have = Signal.availableFrom(backend.capabilities());
    Set<Signal> need = EnumSet.copyOf(plan.requires());
    need.removeAll(have);
    if (need.isEmpty()) return null;
    return "plan " + plan.describe() + " needs " + new TreeSet<>(need) + " but backend " + backend.name()
        + " provides only " + new TreeSet<>(have) + "; use a backend with these capabilities or drop the rules that need them";
  }

  /** Set-once builder; {@link #build()} checks that the backend can feed the default plan. */
  public static final class Builder {
    private @Nullable Backend backend;
    private Plan plan = Plan.fast(256);
    private Budget budget = Budget.DEFAULT;
    private ReasoningFormat format = ReasoningFormat.THINK_TAGS;
    private Ticker ticker = Ticker.system();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private final Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String what) {
      if (!set.add(what)) throw new IllegalStateException(what + " was already set");
    }

    public Builder backend(Backend b) {
      once("backend");
      this.backend = Objects.requireNonNull(b, "backend");
      return this;
    }

    public Builder plan(Plan p) {
      once("plan");
      this.plan = Objects.requireNonNull(p, "plan");
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

    public Builder openTelemetry(OpenTelemetry otel) {
      once("openTelemetry");
      this.openTelemetry = Objects.requireNonNull(otel, "openTelemetry");
      return this;
    }

    public ComputeController build() {
      if (backend == null) throw new IllegalStateException("backend is required: call backend(...) before build()");
      String missing = missingSignals(plan, backend);
      if (missing != null) throw new IllegalStateException(missing);
      return new ComputeController(this);
    }
  }
}

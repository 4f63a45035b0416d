package dev.bursar.controller;

import java.util.Objects;
import java.util.Set;

/**
 * Decides how much compute one query gets (step 3 of a request), shaped like OpenTelemetry's
 * {@code Sampler}: pure, deterministic given the request's seed, no I/O, no clock reads, thread-safe.
 *
 * <p>A policy honours the client's {@link Request.Hints}: a mode hint picks that mode (a policy
 * that cannot offer it returns another mode, and the controller fails the request as unsupported),
 * and {@link Plan#honouring} applies the caps and sampling. The controller checks once that the
 * backend can feed the plan, and enforces the budget. A policy that throws or runs past the
 * decision timeout is guarded: the request runs the fallback plan and the fallback is counted.
 */
public interface Policy {

  /**
   * @param request the query, with the client's hints
   * @param estimate what the estimator predicts about it ({@link Estimate#UNKNOWN} fields are NaN)
   * @param budget what the request may spend
   * @param capabilities what the backend can feed
   * @return the plan to run
   */
  Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities);

  /** {@return a readable description, e.g. {@code Fixed{SELF_CONSISTENCY(8, ac-beta 0.95)}}} */
  String description();

  /** {@return the policy that runs {@code plan} for every request, with the client's caps and sampling applied} */
  static Policy fixed(Plan plan) {
    return new FixedPolicy(Objects.requireNonNull(plan, "plan"));
  }
}

/** Today's behaviour: one plan for every query. */
record FixedPolicy(Plan plan) implements Policy {
  @Override
  public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
    return plan.honouring(request.hints());
  }

  @Override public String description() { return "Fixed{" + plan.describe() + "}"; }
}

package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import java.util.Locale;
import java.util.Set;

/**
 * The simple baseline the compute-optimal policy is compared with: one difficulty score, one
 * threshold. A query whose P(one sample is right) is at least {@code threshold} gets FAST; any other
 * (or one whose difficulty is unknown) gets Adaptive-Consistency (Beta 0.95, or decided) up to
 * {@code cap} samples. A client's mode hint wins. Pure and deterministic.
 */
public record ThresholdPolicy(double threshold, int cap, int wave, int tokensPerSample) implements Policy {
  public ThresholdPolicy {
    if (!(threshold >= 0 && threshold <= 1.0000001)) throw new IllegalArgumentException("threshold must be in [0, 1], was " + threshold);
    if (cap < 1 || wave < 1 || tokensPerSample < 1) throw new IllegalArgumentException("cap, wave and tokensPerSample must be >= 1");
  }

  @Override
  public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
    Mode.Kind hinted = request.hints().mode();
    boolean easy = !Double.isNaN(estimate.pCorrect()) && estimate.pCorrect() >= threshold;
    if (hinted == Mode.Kind.DEEP_SEARCH || hinted == Mode.Kind.FAST || (hinted == null && easy)) {
      return Policies.presets(Plan.fast(tokensPerSample)).decide(request, estimate, budget, capabilities);
    }
    var stop = StoppingRules.anyOf(StoppingRules.beta(0.95), StoppingRules.decided(cap));
    return Plan.selfConsistency(new Mode.SelfConsistency(cap, Math.min(wave, cap), stop, null, false), tokensPerSample)
        .honouring(request.hints());
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "Threshold{FAST when P(right) >= %.3f, else SELF_CONSISTENCY(%d, ac-beta 0.95 or decided)}", threshold, cap);
  }
}

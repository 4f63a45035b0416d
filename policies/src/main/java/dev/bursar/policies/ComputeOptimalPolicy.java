package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.Signal;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.estimators.StopModel;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The compute-optimal policy: the plan that maximises expected accuracy minus {@code lambda} times
 * expected output tokens. Self-consistency with a per-query {@link LearnedStop} realises it sample by
 * sample: the first sample answers as FAST would (greedy, when the policy was fitted on greedy-first samples), and each further one is drawn only while its expected gain
 * pays for its expected cost, so a question the model finds settled (or hopeless) costs one sample.
 * With a {@link DeepSearchRoute} fitted by the tuner, a query whose prior says it is hard goes to DEEP_SEARCH
 * instead (where the tuner measured the search cheaper at the same accuracy). A client that names a mode gets that mode's preset; a budget that fits one sample only gets FAST
 * (with budget forcing when it cannot pay for a whole sample).
 * Pure and deterministic; {@code lambda} comes from the tuner (a token budget or an accuracy target).
 *
 * @param model the fitted stop model
 * @param lambda accuracy traded per output token
 * @param cap the most samples per query
 * @param wave samples drawn in parallel per backend call (1 replays exactly; more trades tokens for latency)
 * @param tokensPerSample cap on each sample's output tokens
 * @param greedyFirst whether the first sample is greedy (FAST's own answer), as in the samples the
 *     stop model was fitted on
 * @param temperature the temperature the samples are drawn at when the request does not say (the one the
 *     tuner chose, or the one its samples were drawn at); null: the request's, else {@link Sampling#DEFAULT}'s
 * @param deepSearch the queries that go to DEEP_SEARCH instead (on a backend that can feed it), or null: none
 * @param answerRule Bayesian stopping on the model's answer prior at this lambda, built once for the
 *     policy ({@link BayesianStop#ruleFor}), or null when the model carries none
 */
public record ComputeOptimalPolicy(StopModel model, double lambda, int cap, int wave, int tokensPerSample, boolean greedyFirst,
    @Nullable Double temperature, @Nullable DeepSearchRoute deepSearch, BayesianStop.@Nullable Rule answerRule) implements Policy {
  public ComputeOptimalPolicy {
    Objects.requireNonNull(model, "model");
    if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, was " + lambda);
    if (cap < 1) throw new IllegalArgumentException("cap must be >= 1, was " + cap);
    if (wave < 1) throw new IllegalArgumentException("wave must be >= 1, was " + wave);
    if (tokensPerSample < 1) throw new IllegalArgumentException("tokensPerSample must be >= 1, was " + tokensPerSample);
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be in [0, 2], was " + temperature);
    }
  }

  /** The answer prior's rule (when the model has one) built for this lambda and cap. */
  public ComputeOptimalPolicy(StopModel model, double lambda, int cap, int wave, int tokensPerSample, boolean greedyFirst,
      @Nullable Double temperature, @Nullable DeepSearchRoute deepSearch) {
    this(model, lambda, cap, wave, tokensPerSample, greedyFirst, temperature, deepSearch, BayesianStop.ruleFor(model, cap, lambda));
  }

  /** Samples drawn at the request's temperature; every query self-consistency. */
  public ComputeOptimalPolicy(StopModel model, double lambda, int cap, int wave, int tokensPerSample, boolean greedyFirst) {
    this(model, lambda, cap, wave, tokensPerSample, greedyFirst, null, null);
  }

  /** Every sample drawn at the request's sampling settings. */
  public ComputeOptimalPolicy(StopModel model, double lambda, int cap, int wave, int tokensPerSample) {
    this(model, lambda, cap, wave, tokensPerSample, false);
  }

  @Override
  public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
    Mode.Kind hinted = request.hints().mode();
    if (hinted != null && hinted != Mode.Kind.SELF_CONSISTENCY) return Policies.presets(fast()).decide(request, estimate, budget, capabilities);
    int samples = cap;
    if (request.hints().maxSamples() != null) samples = Math.min(samples, request.hints().maxSamples());
    int perSample = request.hints().maxTokensPerSample() != null ? request.hints().maxTokensPerSample() : tokensPerSample;
    // A budget that pays for one sample only leaves nothing to stop early on.
    if (budget.outputTokens() < 2L * perSample) samples = 1;
    // Under a budget that cannot pay for a whole sample, force the answer rather than run out without one.
    if (samples == 1 && hinted == null) {
      return (budget.outputTokens() < perSample ? Plan.fast(tokensPerSample, ThinkingExit.BudgetForcing.DEFAULT) : fast())
          .honouring(request.hints());
    }
    if (deepSearch != null && hinted == null && estimate.pCorrect() < deepSearch.belowPCorrect()) {
      Plan search = sampledAt(deepSearch.plan());
      if (Signal.availableFrom(capabilities).containsAll(search.requires())) return search.honouring(request.hints());
    }
    var stop = new LearnedStop(model, lambda, samples, estimate.pCorrect(), estimate.expectedLength(), answerRule);
    return sampledAt(Plan.selfConsistency(new Mode.SelfConsistency(samples, Math.min(wave, samples), stop, null, false, greedyFirst), perSample))
        .honouring(request.hints());
  }

  /** The fitted temperature is a default: a client that names one gets it (honouring replaces it). */
  private Plan sampledAt(Plan plan) {
    return temperature == null ? plan : plan.withSampling(plan.sampling().withTemperature(temperature));
  }

  private Plan fast() {
    return Plan.fast(tokensPerSample);
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "ComputeOptimal{lambda %.3g per token, SELF_CONSISTENCY(<= %d, learned stop%s%s%s%s%s), waves of %d, %d tokens/sample%s}",
        lambda, cap, answerRule == null ? "" : String.format(Locale.ROOT, " or Bayesian stop on %d past questions", answerRule.prior().questions()),
        model.scoreVote() ? ", answer by the reader's scores" : "", model.confidenceByReader() ? ", confidence by the reader"
            : model.leaderCorrect() == null ? ", confidence by the vote share" : "",
        greedyFirst ? ", greedy first" : "", temperature == null ? "" : ", T " + temperature, wave, tokensPerSample,
        deepSearch == null ? "" : String.format(Locale.ROOT, "; DEEP_SEARCH(beam %dx%d) when P(right) < %.2f", deepSearch.beamWidth(),
            deepSearch.expansions(), deepSearch.belowPCorrect()));
  }
}

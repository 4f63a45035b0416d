package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ComputeControllerTest {
  private static final String CHAIN = "<think>25*3=75;17+75\n17+75=92\n</think>A:92\n";

  private static ComputeController controller(Backend b, Plan p, Budget budget) {
    return ComputeController.builder().backend(b).plan(p).budget(budget).build();
  }

  @Test
  void fast_answersFromOneSample() {
    var b = FakeBackend.of((prompt, i) -> CHAIN);
    var out = controller(b, Plan.fast(100), Budget.ofTokens(1000)).run(Request.of("Q:17+25*3\n"));
    assertThat(out).isInstanceOf(Outcome.Answered.class);
    var a = (Outcome.Answered) out;
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.spend().samples()).isEqualTo(1);
    assertThat(a.spend().outputTokens()).isEqualTo(CHAIN.length());
  }

  @Test
  void selfConsistency_betaStopsAfterFourAgreeingSamples_inWavesOfTwo() {
    var b = FakeBackend.of((prompt, i) -> CHAIN);
    var mode = new Mode.SelfConsistency(16, 2, StoppingRules.beta(0.95), null, false);
    var a = (Outcome.Answered) controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000))
        .run(Request.of("Q:17+25*3\n"));
    assertThat(a.spend().samples()).isEqualTo(4);
    assertThat(b.calls()).isEqualTo(2);
    assertThat(a.exitLabels()).contains("ac-beta-stop");
    assertThat(a.confidence()).isEqualTo(1.0);
  }

  @Test
  void selfConsistency_givesTheRuleEachSamplesTextToScore_andKeepsTheScoreInTheTally() {
    var b = FakeBackend.of((prompt, i) -> i % 2 == 0 ? CHAIN : "<think>x\n</think>A:91\n");
    List<Double> seen = new java.util.ArrayList<>();
    StoppingRule textReader = new StoppingRule() {
      @Override public boolean shouldStop(Tally t) {
        seen.add(t.sampleScore(t.samples() - 1));
        return t.samples() >= 3;
      }
      @Override public double sampleScore(String text, String answerKey, double verifierScore) { return text.contains("75") ? 0.9 : 0.1; }
      @Override public String family() { return "text"; }
      @Override public Double param() { return null; }
    };
    var mode = new Mode.SelfConsistency(8, 1, textReader, null, false);
    controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000)).run(Request.of("Q:17+25*3\n"));
    assertThat(seen).containsExactly(0.9, 0.1, 0.9);
  }

  @Test
  void aVerifierScoresEveryWholeSample_theRuleReadsIt_theTraceKeepsIt_andAFailureIsNoScore() {
    var b = FakeBackend.of((prompt, i) -> i % 2 == 0 ? CHAIN : "<think>x\n</think>A:91\n");
    List<Double> given = new java.util.concurrent.CopyOnWriteArrayList<>();
    StoppingRule reader = new StoppingRule() {
      @Override public boolean shouldStop(Tally t) { return t.samples() >= 3; }
      @Override public double sampleScore(String text, String answerKey, double verifierScore) {
        given.add(verifierScore);
        return verifierScore;
      }
      @Override public String family() { return "verified"; }
      @Override public Double param() { return null; }
    };
    SampleVerifier verifier = new SampleVerifier() {
      @Override public String name() { return "rm"; }
      @Override public double score(String prompt, String sample) {
        if (sample.contains("x")) throw new IllegalStateException("the reward model is down");
        return prompt.equals("Q:17+25*3\n") ? 2.5 : 0;
      }
    };
    List<RunRecord> records = new java.util.ArrayList<>();
    var c = ComputeController.builder().backend(b).plan(Plan.selfConsistency(new Mode.SelfConsistency(8, 1, reader, null, false), 100))
        .budget(Budget.ofTokens(10_000)).verifier(verifier).traceSink(records::add).build();
    var out = (Outcome.Answered) c.run(Request.of("Q:17+25*3\n"));
    assertThat(out.answer()).isEqualTo("92");
    assertThat(given).hasSize(3);
    assertThat(given.get(0)).isEqualTo(2.5);
    assertThat(given.get(1)).isNaN(); // the verifier failed: the sample still votes
    assertThat(c.verifierFailures()).isEqualTo(1);
    assertThat(records.getFirst().samples()).extracting(RunRecord.Sample::verifierScoreOrNull).containsExactly(2.5, null, 2.5);
  }

  @Test
  void selfConsistency_answersByTheReadersScores_whenTheRuleVotesByScore() {
    // Two of three samples say 91 with a poor argument; the one that shows its work says 92.
    var b = FakeBackend.of((prompt, i) -> i % 3 == 0 ? CHAIN : "<think>x\n</think>A:91\n");
    StoppingRule reader = new StoppingRule() {
      @Override public boolean shouldStop(Tally t) { return false; }
      @Override public double sampleScore(String text, String answerKey, double verifierScore) { return text.contains("75") ? 0.9 : 0.2; }
      @Override public boolean votesByScore() { return true; }
      @Override public String family() { return "text"; }
      @Override public Double param() { return null; }
    };
    var byScore = (Outcome.Answered) controller(b, Plan.selfConsistency(new Mode.SelfConsistency(3, 3, reader, null, false), 100),
        Budget.ofTokens(10_000)).run(Request.of("q"));
    assertThat(byScore.answer()).isEqualTo("92");
    // Not the count's answer: the confidence is its samples' mean score, not a vote share.
    assertThat(byScore.confidence()).isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-12));
    var b2 = FakeBackend.of((prompt, i) -> i % 3 == 0 ? CHAIN : "<think>x\n</think>A:91\n");
    var byCount = (Outcome.Answered) controller(b2, Plan.selfConsistency(new Mode.SelfConsistency(3, 3, StoppingRules.never(), null, false), 100),
        Budget.ofTokens(10_000)).run(Request.of("q"));
    assertThat(byCount.answer()).isEqualTo("91");
  }

  @Test
  void selfConsistency_majorityWinsOverMinority() {
    var b = FakeBackend.of((prompt, i) -> i % 3 == 2 ? "<think>x\n</think>A:91\n" : CHAIN);
    var mode = new Mode.SelfConsistency(9, 3, StoppingRules.never(), null, false);
    var a = (Outcome.Answered) controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000))
        .run(Request.of("q"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.spend().samples()).isEqualTo(9);
    assertThat(a.confidence()).isCloseTo(6.0 / 9, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void pruning_cancelsLowConfidenceTracesAfterWarmup_andTheyDoNotVote() {
    // Warm-up traces are confident; from draw 4 on, every odd draw turns unconfident ('~') mid-way and is wrong.
    var b = FakeBackend.of((prompt, i) -> i >= 4 && i % 2 == 1 ? "<think>~~~~~~~~~~~~~~~~~~~~~~~~~~~~</think>A:1\n" : CHAIN);
    var mode = new Mode.SelfConsistency(12, 4, StoppingRules.never(), new TracePruning(4, 90, 4), false);
    var a = (Outcome.Answered) controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000)).run(Request.of("q"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.exitLabels()).contains("pruned:4");
    long unpruned = 8L * CHAIN.length() + 4L * 38;
    assertThat(a.spend().outputTokens()).isLessThan(unpruned);
  }

  @Test
  void cancellation_stopsTokenGenerationRightAway() {
    // One cancelled trace: the fake counts every token it produced; after the cancel no more are produced.
    var b = FakeBackend.of((prompt, i) -> "<think>" + "~".repeat(200) + "</think>A:1\n");
    AtomicLong seen = new AtomicLong();
    var gens = b.generate(GenerationRequest.of("q", 1, 500, Sampling.DEFAULT), (seq, ev) -> seen.incrementAndGet() < 10);
    assertThat(gens.getFirst().finish()).isEqualTo(FinishReason.CANCELLED);
    assertThat(b.generatedTokens()).isEqualTo(10);
    assertThat(gens.getFirst().outputTokens()).isEqualTo(10);
  }

  @Test
  void weightedVotes_followConfidence() {
    // Two confident answers "92" against three unconfident "7": weighted voting picks 92.
    var b = FakeBackend.of((prompt, i) -> i < 2 ? CHAIN : "<think>~~~~~~~~~~</think>A:7\n");
    var mode = new Mode.SelfConsistency(5, 5, StoppingRules.never(), null, true);
    var a = (Outcome.Answered) controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000)).run(Request.of("q"));
    assertThat(a.answer()).isEqualTo("92");
  }

  @Test
  void probeConvergence_stopsWhenKProbesAgree() {
    // The main chain would run 40 steps; probes always answer 92, so it stops after k = 3 steps.
    String longChain = "<think>" + "1+1=2\n".repeat(40) + "</think>A:92\n";
    var b = FakeBackend.of((prompt, i) -> prompt.endsWith("</think>A:") ? "92\n" : longChain.substring(prompt.length() - 2));
    var a = (Outcome.Answered) controller(b, Plan.fast(400, ThinkingExit.ProbeConvergence.DEFAULT), Budget.ofTokens(10_000))
        .run(Request.of("q\n"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.exitLabels()).contains("probe-converged");
    assertThat(a.spend().outputTokens()).isLessThan(longChain.length());
  }

  @Test
  void probeConvergence_hesitantProbesNeverConverge_wholeWordsOnly() {
    assertThat(FastRunner.HESITATION.matcher("I know the denominator").find()).isFalse();
    assertThat(FastRunner.HESITATION.matcher("92 but wait").find()).isTrue();
    assertThat(FastRunner.converged(List.of("92", "92", ""), 3)).isFalse();
    assertThat(FastRunner.converged(List.of("7", "92", "92.0", "92"), 3)).isTrue();
  }

  @Test
  void budgetForcing_cutsALongChainAndForcesTheAnswer() {
    String longChain = "<think>" + "1+1=2\n".repeat(40) + "</think>A:92\n";
    var b = FakeBackend.of((prompt, i) -> prompt.endsWith("</think>A:") ? "91\n" : longChain);
    var out = controller(b, Plan.fast(400, ThinkingExit.BudgetForcing.DEFAULT), Budget.ofTokens(60)).run(Request.of("q"));
    var a = (Outcome.Answered) out;
    assertThat(a.exitLabels()).contains("budget-forced");
    assertThat(a.answer()).isEqualTo("91");
    assertThat(a.spend().outputTokens()).isLessThanOrEqualTo(60);
  }

  /** A 40-step chain, continued from wherever the prompt ("q" + the thinking so far) has got to; "91" when forced. */
  private static FakeBackend fortySteps() {
    String chain = "<think>" + "s\n".repeat(40) + "</think>A:92\n";
    return FakeBackend.of((prompt, i) -> prompt.endsWith("</think>A:") ? "91\n" : chain.substring(prompt.length() - 1));
  }

  /** A head that predicts {@code remaining} thinking tokens whatever the hidden state. */
  private static ThinkingExit.RemainingLengthForcing head(double remaining) {
    return new ThinkingExit.RemainingLengthForcing(
        new LinearProbe(1, Math.log1p(remaining), new double[] {0}, new double[] {0}, new double[] {1}), 8);
  }

  @Test
  void remainingLengthForcing_cutsAChainThatCannotFinishAtItsFirstStep() {
    var out = controller(fortySteps(), Plan.fast(400, head(1_000)), Budget.ofTokens(60)).run(Request.of("q"));
    var a = (Outcome.Answered) out;
    assertThat(a.exitLabels()).containsExactly("length-forced");
    assertThat(a.answer()).isEqualTo("91");
    // one step (9 tokens) and the forced answer, where plain budget forcing spends the whole 60
    assertThat(a.spend().outputTokens()).isLessThan(20);
    assertThat(((Outcome.Answered) controller(fortySteps(), Plan.fast(400, ThinkingExit.BudgetForcing.DEFAULT), Budget.ofTokens(60))
        .run(Request.of("q"))).spend().outputTokens()).isGreaterThan(50);
  }

  @Test
  void remainingLengthForcing_letsAChainThatFitsRunAndForcesOnlyAtTheBudgetsEdge() {
    var fits = (Outcome.Answered) controller(fortySteps(), Plan.fast(400, head(2)), Budget.ofTokens(2_000)).run(Request.of("q"));
    assertThat(fits.answer()).isEqualTo("92");
    assertThat(fits.exitLabels()).doesNotContain("length-forced", "budget-forced");
    // a head that is wrong here (nothing to go, says it): the chain still stops at the budget, forced as budget forcing does
    var edge = (Outcome.Answered) controller(fortySteps(), Plan.fast(400, head(0)), Budget.ofTokens(60)).run(Request.of("q"));
    assertThat(edge.exitLabels()).contains("budget-forced");
    assertThat(edge.answer()).isEqualTo("91");
    assertThat(edge.spend().outputTokens()).isLessThanOrEqualTo(60);
  }

  @Test
  void remainingLengthForcing_refusesAHeadFittedOnAnotherModel() {
    var wide = new ThinkingExit.RemainingLengthForcing(new LinearProbe(1, 0, new double[] {0, 0}, new double[] {0, 0},
        new double[] {1, 1}), 8);
    var out = controller(fortySteps(), Plan.fast(400, wide), Budget.ofTokens(60)).run(Request.of("q"));
    assertThat(out).isInstanceOf(Outcome.Failed.class);
    assertThat(((Outcome.Failed) out).error()).contains("width 2").contains("refit it on this one");
  }

  @Test
  void lengthForecastForcing_cutsAChainForecastToOverrunAtItsFirstStepBoundary() {
    // Exponential lengths with mean 1,000: whatever was written, a 60-token chain is unlikely to fit.
    var overrun = new ThinkingExit.LengthForecastForcing(1, 1_000, 8);
    var a = (Outcome.Answered) controller(fortySteps(), Plan.fast(400, overrun), Budget.ofTokens(60)).run(Request.of("q"));
    assertThat(a.exitLabels()).containsExactly("length-forced");
    assertThat(a.answer()).isEqualTo("91");
    assertThat(a.spend().outputTokens()).isLessThan(20);
    // Forecast to fit (mean 10 tokens), the chain runs on and is forced at the budget's edge as budget forcing does.
    var fits = new ThinkingExit.LengthForecastForcing(10, 1, 8);
    var edge = (Outcome.Answered) controller(fortySteps(), Plan.fast(400, fits), Budget.ofTokens(60)).run(Request.of("q"));
    assertThat(edge.exitLabels()).containsExactly("budget-forced");
    assertThat(edge.spend().outputTokens()).isLessThanOrEqualTo(60);
  }

  @Test
  void lengthForecast_overrunChanceIsTheGammasConditionalTail() {
    var exponential = new ThinkingExit.LengthForecastForcing(1, 10, 8);
    // memoryless: P(L > 30 | L > 10) = P(L > 20) = exp(-2)
    assertThat(exponential.overrunChance(10, 30)).isCloseTo(Math.exp(-2), within(1e-12));
    assertThat(exponential.overrunChance(30, 30)).isEqualTo(1);
    // Q(3, x) = e^-x (1 + x + x^2 / 2): both branches of the incomplete gamma
    assertThat(GammaTail.logUpper(3, 2)).isCloseTo(Math.log(5 * Math.exp(-2)), within(1e-12));
    assertThat(GammaTail.logUpper(3, 10)).isCloseTo(Math.log(61) - 10, within(1e-12));
    assertThat(GammaTail.logUpper(3, 2_000)).isCloseTo(Math.log(1 + 2_000 + 2_000_000) - 2_000, within(1e-9));
  }

  @Test
  void deepSearch_probeVerifierPrefersCorrectSteps() {
    // Steps containing 'x' are wrong; the probe (hidden state = no 'x' so far) steers the beam to the right answer.
    var b = FakeBackend.of((prompt, i) -> {
      int depth = (int) prompt.chars().filter(c -> c == '\n').count() - 1;
      if (depth >= 2) return i % 2 == 0 ? "</think>A:92\n" : "</think>A:13\n";
      return i % 2 == 0 ? "<ok step>\n" : "<x step>\n";
    });
    var probe = new LinearProbe(1, -3, new double[] {6}, new double[] {0}, new double[] {1});
    var mode = new Mode.DeepSearch(2, 2, 6, Verifiers.hiddenStateProbe(probe), false);
    var a = (Outcome.Answered) controller(b, Plan.deepSearch(mode, 32), Budget.ofTokens(2_000)).run(Request.of("q\n"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.text()).doesNotContain("x");
  }

  @Test
  void build_refusesAPlanTheBackendCannotFeed() {
    var textOnly = new FakeBackend((p, i) -> CHAIN, Set.of());
    var pruned = new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), TracePruning.DEFAULT, false);
    assertThatThrownBy(() -> controller(textOnly, Plan.selfConsistency(pruned, 100), Budget.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs [TOP_LOGPROBS, CANCELLATION]");
    var probe = new LinearProbe(1, 0, new double[] {1}, new double[] {0}, new double[] {1});
    assertThatThrownBy(() -> controller(textOnly, Plan.deepSearch(new Mode.DeepSearch(2, 2, 4, Verifiers.hiddenStateProbe(probe), false), 32), Budget.DEFAULT))
        .hasMessageContaining("HIDDEN_STATES");
  }

  @Test
  void backendFailure_becomesFailedOutcome_neverAnException() {
    Backend broken = new FakeBackend((p, i) -> { throw new BackendException("upstream 500", true); }, Set.of());
    var out = controller(broken, Plan.fast(10), Budget.DEFAULT).run(Request.of("q"));
    assertThat(out).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.error()).contains("upstream 500");
      assertThat(f.retryable()).isTrue();
    });
  }

  @Test
  void deadline_cancelsAndEndsTheRequest() {
    long[] now = {0};
    var b = FakeBackend.of((prompt, i) -> { now[0] += 2_000_000_000L; return CHAIN; });
    var c = ComputeController.builder().backend(b).ticker(() -> now[0])
        .plan(Plan.selfConsistency(new Mode.SelfConsistency(16, 1, StoppingRules.never(), null, false), 100))
        .budget(Budget.ofTokens(100_000).withDeadline(Duration.ofSeconds(3))).build();
    var out = c.run(Request.of("q"));
    assertThat(out.exitLabels()).contains("deadline");
    assertThat(out.spend().samples()).isLessThan(16);
  }

  /** Property: over random plans and budgets, the output-token budget is never exceeded. */
  @Test
  void budget_isNeverExceeded_overRandomPlansAndBudgets() {
    var rnd = new Random(42);
    var probe = new LinearProbe(1, 0, new double[] {1}, new double[] {0}, new double[] {1});
    for (int trial = 0; trial < 400; trial++) {
      int len = 5 + rnd.nextInt(120);
      String chain = "<think>" + "1+2=3\n".repeat(len / 6 + 1) + "</think>A:3\n";
      var b = FakeBackend.of((prompt, i) -> prompt.endsWith("</think>A:") ? "3\n"
          : chain.substring(Math.min(chain.length() - 1, Math.max(0, (int) prompt.chars().filter(c -> c == '\n').count() - 1) * 6)));
      int perSample = 1 + rnd.nextInt(200);
      Plan plan = switch (rnd.nextInt(5)) {
        case 0 -> Plan.fast(perSample);
        case 1 -> Plan.fast(perSample, ThinkingExit.ProbeConvergence.DEFAULT, ThinkingExit.BudgetForcing.DEFAULT);
        case 2 -> Plan.fast(perSample, ThinkingExit.BudgetForcing.DEFAULT);
        case 3 -> Plan.selfConsistency(new Mode.SelfConsistency(1 + rnd.nextInt(16), 1 + rnd.nextInt(6),
            rnd.nextBoolean() ? StoppingRules.beta(0.95) : StoppingRules.esc(1 + rnd.nextInt(4)),
            rnd.nextBoolean() ? TracePruning.DEFAULT : null, rnd.nextBoolean()), perSample);
        default -> Plan.deepSearch(new Mode.DeepSearch(1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(8),
            rnd.nextBoolean() ? Verifiers.stepConfidence() : Verifiers.hiddenStateProbe(probe), rnd.nextBoolean()), perSample);
      };
      long tokens = 1 + rnd.nextInt(600);
      Outcome out = controller(b, plan, Budget.ofTokens(tokens)).run(Request.of("q\n"));
      assertThat(out).as("trial %d %s", trial, plan.describe()).isNotInstanceOf(Outcome.Failed.class);
      assertThat(out.spend().outputTokens()).as("trial %d %s budget %d", trial, plan.describe(), tokens).isLessThanOrEqualTo(tokens);
      assertThat(b.generatedTokens()).as("tokens the backend produced, trial %d", trial).isLessThanOrEqualTo(tokens);
    }
  }

  @Test
  void cutOffChain_hasNoAnswer_itsPartialThinkingNeverVotes() {
    var b = FakeBackend.of((prompt, i) -> "<think>12*45=540;540+678-9*87\n540+678=1218;1218-9*87\n</think>A:435\n");
    var out = controller(b, Plan.fast(20), Budget.ofTokens(1000)).run(Request.of("q"));
    assertThat(out).isInstanceOfSatisfying(Outcome.Abstained.class, a -> assertThat(a.exitLabels()).contains("length"));
  }

  @Test
  void pruning_dropsWarmupTracesBelowTheThresholdFromTheVote() {
    // Warm-up: two unconfident "7" first, then two confident "92"; keeping 50% sets the bar between them.
    var b = FakeBackend.of((prompt, i) -> i < 2 ? "<think>~~~~~~~~~~</think>A:7\n" : CHAIN);
    var mode = new Mode.SelfConsistency(4, 4, StoppingRules.never(), new TracePruning(4, 50, 4), false);
    var a = (Outcome.Answered) controller(b, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000)).run(Request.of("q"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.confidence()).isEqualTo(1.0);
    assertThat(a.spend().samples()).isEqualTo(4);
  }

  /** Samples of a wave that finish first decide the vote; the others are cancelled and not counted as votes. */
  @Test
  void selfConsistency_cancelsTheRestOfAWaveOnceTheVoteIsDecided() {
    var decidedEarly = FakeBackend.of((prompt, i) -> CHAIN);
    var mode = new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.5), null, false);
    var a = (Outcome.Answered) controller(decidedEarly, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000))
        .run(Request.of("Q:17+25*3\n"));
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.exitLabels()).contains("vote-decided");
    assertThat(a.spend().samples()).isEqualTo(4); // one wave, the last three cut short
    assertThat(a.spend().outputTokens()).isLessThan(4L * CHAIN.length());
    assertThat(decidedEarly.calls()).isEqualTo(1);
    // Without cancellation the whole wave runs.
    var whole = new FakeBackend((prompt, i) -> CHAIN, java.util.Set.of(Capability.LOGPROBS));
    var b = (Outcome.Answered) controller(whole, Plan.selfConsistency(mode, 100), Budget.ofTokens(10_000)).run(Request.of("Q:17+25*3\n"));
    assertThat(b.exitLabels()).doesNotContain("vote-decided");
    assertThat(b.spend().outputTokens()).isEqualTo(4L * CHAIN.length());
  }

  @Test
  void selfConsistency_greedyFirst_drawsTheFirstSampleAloneAtTemperatureZero_thenSamples() {
    var fake = FakeBackend.of((prompt, i) -> CHAIN);
    List<GenerationRequest> seen = new java.util.ArrayList<>();
    Backend recording = new Backend() {
      @Override public String name() { return "recording"; }
      @Override public Set<Capability> capabilities() { return fake.capabilities(); }
      @Override public List<Generation> generate(GenerationRequest request, TokenListener listener) {
        seen.add(request);
        return fake.generate(request, listener);
      }
    };
    var mode = new Mode.SelfConsistency(5, 4, StoppingRules.never(), null, false, true);
    var plan = Plan.selfConsistency(mode, 100).withSampling(new Sampling(0.8, 1.0, 0, 7));
    var out = (Outcome.Answered) controller(recording, plan, Budget.ofTokens(10_000)).run(Request.of("Q:17+25*3\n"));
    assertThat(out.answer()).isEqualTo("92");
    assertThat(seen).extracting(GenerationRequest::n).containsExactly(1, 4);
    assertThat(seen.get(0).sampling().temperature()).isZero();
    assertThat(seen.get(1).sampling().temperature()).isEqualTo(0.8);
    assertThat(plan.describe()).contains("greedy first");
  }
}

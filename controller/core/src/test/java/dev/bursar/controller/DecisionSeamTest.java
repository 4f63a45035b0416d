package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** features → estimate → decide → run → record, and the guards around user-supplied estimators, policies and sinks. */
final class DecisionSeamTest {
  private static final String CHAIN = "<think>25*3=75;17+75\n17+75=92\n</think>A:92\n";
  private static final Plan SC = Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), null, false), 100);
  private static final Plan FAST = Plan.fast(100);

  private static ComputeController.Builder builder() {
    return ComputeController.builder().backend(FakeBackend.of((prompt, i) -> CHAIN)).budget(Budget.ofTokens(10_000));
  }

  /** A policy that picks FAST for easy queries (estimate above 0.9) and SC otherwise. */
  private record Threshold() implements Policy {
    @Override
    public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
      return (estimate.pCorrect() > 0.9 ? FAST : SC).honouring(request.hints());
    }

    @Override public String description() { return "Threshold{0.9}"; }
  }

  @Test
  void run_featuresFlowToTheEstimator_andItsEstimateToThePolicy() {
    List<Features> seen = new ArrayList<>();
    Estimator byLength = (request, features) -> {
      seen.add(features);
      return new Estimate(features.get("prompt.operators") <= 1 ? 0.95 : 0.5, Double.NaN, Double.NaN, "test");
    };
    var controller = builder().estimator(byLength).policy(new Threshold()).fallback(FAST).build();
    assertThat(controller.run(Request.of("Q:1+2\n")).mode()).isEqualTo("FAST");
    assertThat(controller.run(Request.of("Q:17+25*3\n")).mode()).isEqualTo("SELF_CONSISTENCY");
    assertThat(seen.get(1).get("prompt.operators")).isEqualTo(2.0);
    assertThat(seen.get(1).get("prompt.numbers")).isEqualTo(3.0);
    assertThat(controller.fallbacks()).isZero();
  }

  @Test
  void run_aThrowingEstimator_runsTheFallbackPlan_andCountsIt() {
    var controller = builder().estimator((r, f) -> { throw new IllegalStateException("boom"); })
        .policy(new Threshold()).fallback(FAST).build();
    Outcome out = controller.run(Request.of("Q:17+25*3\n"));
    assertThat(out).isInstanceOf(Outcome.Answered.class);
    assertThat(out.plan()).isEqualTo(FAST);
    assertThat(controller.fallbacks()).isEqualTo(1);
  }

  @Test
  void run_aThrowingPolicy_runsTheFallbackPlan_andTheRecordSaysWhy() {
    List<RunRecord> records = new ArrayList<>();
    Policy broken = new Policy() {
      @Override public Plan decide(Request r, Estimate e, Budget b, Set<Capability> c) { throw new ArithmeticException("bug"); }
      @Override public String description() { return "Broken"; }
    };
    var controller = builder().policy(broken).fallback(FAST).traceSink(records::add).build();
    assertThat(controller.run(Request.of("Q:17+25*3\n"))).isInstanceOf(Outcome.Answered.class);
    assertThat(controller.fallbacks()).isEqualTo(1);
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.fallback()).contains("ArithmeticException").contains("bug");
      assertThat(r.plan()).isEqualTo(FAST);
      assertThat(r.policy()).isEqualTo("Broken");
    });
  }

  @Test
  void run_aPolicyThatHangs_isCutAtTheDecisionTimeout_andTheRequestStillAnswers() {
    var never = new CountDownLatch(1);
    Policy hangs = new Policy() {
      @Override
      public Plan decide(Request r, Estimate e, Budget b, Set<Capability> c) {
        try {
          never.await();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
        return SC;
      }

      @Override public String description() { return "Hangs"; }
    };
    var controller = builder().policy(hangs).fallback(FAST).decisionTimeout(Duration.ofMillis(20)).build();
    Outcome out = controller.run(Request.of("Q:17+25*3\n"));
    assertThat(out).isInstanceOf(Outcome.Answered.class);
    assertThat(out.plan()).isEqualTo(FAST);
    assertThat(controller.fallbacks()).isEqualTo(1);
  }

  @Test
  void run_aPolicyChoosingAPlanTheBackendCannotFeed_fallsBack() {
    var pruned = Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), TracePruning.DEFAULT, false), 100);
    var textOnly = new FakeBackend((prompt, i) -> CHAIN, Set.of(Capability.CANCELLATION));
    Policy choosesPruning = new Policy() {
      @Override public Plan decide(Request r, Estimate e, Budget b, Set<Capability> c) { return pruned; }
      @Override public String description() { return "ChoosesPruning"; }
    };
    var controller = ComputeController.builder().backend(textOnly).policy(choosesPruning).fallback(FAST).build();
    Outcome out = controller.run(Request.of("Q:17+25*3\n"));
    assertThat(out.plan()).isEqualTo(FAST);
    assertThat(controller.fallbacks()).isEqualTo(1);
  }

  @Test
  void run_aModeHintThePolicyCannotOffer_failsAsUnsupported_notAsABackendError() {
    var controller = builder().plan(SC).build();
    Outcome out = controller.run(Request.of("Q:17+25*3\n").withHints(Request.Hints.NONE.withMode(Mode.Kind.DEEP_SEARCH)));
    assertThat(out).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.cause()).isEqualTo(Outcome.Failed.Cause.UNSUPPORTED);
      assertThat(f.error()).contains("DEEP_SEARCH").contains("Fixed{");
      assertThat(f.spend().outputTokens()).isZero();
    });
    assertThat(controller.fallbacks()).isZero();
  }

  @Test
  void run_aModeHintTheBackendCannotFeed_failsAsUnsupported_sayingWhatIsMissing() {
    var textOnly = new FakeBackend((prompt, i) -> CHAIN, Set.of());
    Policy byHint = new Policy() {
      @Override
      public Plan decide(Request r, Estimate e, Budget b, Set<Capability> c) {
        return r.hints().mode() == Mode.Kind.DEEP_SEARCH
            ? Plan.deepSearch(new Mode.DeepSearch(2, 2, 4, Verifiers.stepConfidence(), false), 20) : FAST;
      }

      @Override public String description() { return "ByHint"; }
    };
    var controller = ComputeController.builder().backend(textOnly).policy(byHint).fallback(FAST).build();
    Outcome out = controller.run(Request.of("Q").withHints(Request.Hints.NONE.withMode(Mode.Kind.DEEP_SEARCH)));
    assertThat(out).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.cause()).isEqualTo(Outcome.Failed.Cause.UNSUPPORTED);
      assertThat(f.error()).contains("STEPS").contains(textOnly.name());
    });
  }

  @Test
  void run_hints_capSamplesAndTokens_andTheBudgetHintReplacesTheDefault() {
    var controller = builder().plan(Plan.selfConsistency(new Mode.SelfConsistency(16, 4, StoppingRules.never(), null, false), 100))
        .build();
    Outcome capped = controller.run(Request.of("Q").withHints(Request.Hints.NONE.withMaxSamples(3)));
    assertThat(capped.spend().samples()).isEqualTo(3);
    Outcome budgeted = controller.run(Request.of("Q").withHints(Request.Hints.NONE.withBudget(Budget.ofTokens(2 * CHAIN.length()))));
    assertThat(budgeted.spend().outputTokens()).isLessThanOrEqualTo(2L * CHAIN.length());
    assertThat(budgeted.exits()).contains(ExitReason.Limit.BUDGET);
  }

  @Test
  void traceSink_getsOneRecordPerRequest_withEverySample() {
    List<RunRecord> records = new ArrayList<>();
    var controller = builder().plan(SC).traceSink(records::add).build();
    Outcome out = controller.run(Request.of("Q:17+25*3\n"));
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(out);
      assertThat(r.samples()).hasSize(out.spend().samples());
      assertThat(r.samples()).allSatisfy(s -> {
        assertThat(s.answer()).isEqualTo("92");
        assertThat(s.finish()).isEqualTo(FinishReason.EOS);
      });
      assertThat(r.samples().stream().mapToLong(RunRecord.Sample::outputTokens).sum()).isEqualTo(out.spend().outputTokens());
      assertThat(r.estimate()).isEqualTo(Estimate.UNKNOWN);
      assertThat(r.fallback()).isNull();
    });
  }

  @Test
  void traceSink_thatThrows_neverChangesTheOutcome() {
    var controller = builder().plan(FAST).traceSink(r -> { throw new IllegalStateException("disk full"); }).build();
    assertThat(controller.run(Request.of("Q:17+25*3\n"))).isInstanceOf(Outcome.Answered.class);
    assertThat(controller.traceSinkFailures()).isEqualTo(1);
  }

  @Test
  void descriptions_areReadable() {
    assertThat(Policy.fixed(SC).description()).isEqualTo("Fixed{SELF_CONSISTENCY(8, ac-beta 0.95)}");
    assertThat(Estimator.none().description()).isEqualTo("none");
    assertThat(new Estimate(0.25, 2, 30, "gamma").describe()).isEqualTo("gamma{p=0.250, length~Gamma(2.00, 30.0)}");
  }

  @Test
  void builder_setOnce_andFailsFastOnAnUnfeedableFallback() {
    assertThatThrownBy(() -> builder().policy(Policy.fixed(FAST)).policy(Policy.fixed(SC)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("policy was already set");
    var textOnly = new FakeBackend((prompt, i) -> CHAIN, Set.of());
    assertThatThrownBy(() -> ComputeController.builder().backend(textOnly)
        .fallback(Plan.deepSearch(new Mode.DeepSearch(2, 2, 4, Verifiers.stepConfidence(), false), 20)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("STEPS");
  }

  @Test
  void exitReasons_keepTheirLabels() {
    assertThat(List.of(ExitReason.Limit.DEADLINE, new ExitReason.RuleStop("ac-beta"), new ExitReason.Pruned(3),
        ExitReason.Early.BUDGET_FORCED).stream().map(ExitReason::label))
        .containsExactly("deadline", "ac-beta-stop", "pruned:3", "budget-forced");
  }
}

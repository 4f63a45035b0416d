package dev.bursar.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.controller.TracePruning;
import dev.bursar.controller.Verifiers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every mode and exit of the controller on the real embedded model, with small seeded budgets. */
final class ControllerOnEmbeddedModelTest {
  private static DjlBackend backend;
  private static List<Problem> easy;
  private static List<Problem> hard;

  @BeforeAll
  static void load() {
    Assumptions.assumeTrue(EmbeddedModel.available(), "embedded model weights are not committed yet: skipping");
    backend = DjlBackend.builder().embeddedModel().build();
    var set = ProblemSet.fixed(99, 3);
    easy = set.byBucket(Bucket.EASY);
    hard = set.byBucket(Bucket.HARDEST);
  }

  @AfterAll
  static void close() {
    if (backend != null) backend.close();
  }

  private static Outcome run(Plan plan, long tokens, Problem p) {
    var c = ComputeController.builder().backend(backend).plan(plan).budget(Budget.ofTokens(tokens)).build();
    Outcome out = c.run(Request.of(p.prompt()));
    assertThat(out).as(plan.describe()).isNotInstanceOf(Outcome.Failed.class);
    assertThat(out.spend().outputTokens()).as(plan.describe()).isLessThanOrEqualTo(tokens);
    return out;
  }

  private static boolean right(Outcome o, Problem p) {
    return o instanceof Outcome.Answered a && a.answer().equals(Long.toString(p.answer()));
  }

  @Test
  void fast_solvesEasyProblems() {
    long solved = easy.stream().filter(p -> right(run(Plan.fast(160), 200, p), p)).count();
    assertThat(solved).isGreaterThanOrEqualTo(easy.size() - 1);
  }

  @Test
  void selfConsistency_withAdaptiveConsistency_stopsEarlyOnEasyProblems() {
    var plan = Plan.selfConsistency(new Mode.SelfConsistency(16, 4, StoppingRules.beta(0.95), null, false), 160);
    for (Problem p : easy) {
      Outcome o = run(plan, 4_000, p);
      assertThat(o.spend().samples()).isLessThan(16);
      assertThat(o.exitLabels()).contains("ac-beta-stop");
    }
  }

  @Test
  void selfConsistency_withPruningAndWeightedVotes_staysInBudget() {
    var plan = Plan.selfConsistency(new Mode.SelfConsistency(12, 4, StoppingRules.never(), new TracePruning(4, 90, 8), true), 160);
    for (Problem p : hard) {
      Outcome o = run(plan, 600, p);
      assertThat(o.spend().samples()).isGreaterThan(0);
    }
  }

  @Test
  void deepSearch_withStepConfidence_andWithTheProbe_answers() {
    var conf = Plan.deepSearch(new Mode.DeepSearch(2, 3, 12, Verifiers.stepConfidence(), false), 40);
    assertThat(right(run(conf, 3_000, easy.getFirst()), easy.getFirst())).isTrue();
    LinearProbe probe = BenchLiveCommand.embeddedProbe();
    Assumptions.assumeTrue(probe != null, "PRM probe not committed yet: skipping the probe verifier");
    var prm = Plan.deepSearch(new Mode.DeepSearch(2, 3, 12, Verifiers.hiddenStateProbe(probe), true), 40);
    assertThat(right(run(prm, 3_000, easy.getFirst()), easy.getFirst())).isTrue();
  }

  @Test
  void probeConvergence_answersAndStaysInBudget() {
    for (Problem p : hard) {
      Outcome o = run(Plan.fast(160, new ThinkingExit.ProbeConvergence(2, 1, 10)), 400, p);
      assertThat(o).isInstanceOf(Outcome.Answered.class);
    }
  }

  @Test
  void budgetForcing_cutsLongChainsAndStillAnswers() {
    for (Problem p : hard) {
      Outcome o = run(Plan.fast(160, ThinkingExit.BudgetForcing.DEFAULT), 30, p);
      assertThat(o.exitLabels()).contains("budget-forced");
      assertThat(o).isInstanceOf(Outcome.Answered.class);
    }
  }
}

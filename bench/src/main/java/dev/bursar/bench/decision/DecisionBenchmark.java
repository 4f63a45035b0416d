package dev.bursar.bench.decision;

import dev.bursar.controller.Answers;
import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Features;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.QueryText;
import dev.bursar.estimators.VoteState;
import dev.bursar.policies.PolicyFile;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one decision costs on the request path, against feature extraction alone: the query's text
 * features; the whole decision (features, the fitted estimator, the compute-optimal policy); and one
 * check of the learned stopping rule after a sample (vote-state features and both tree ensembles);
 * and the rule's reading of one sample's text (the sample-text reader, once per sample drawn, when
 * the policy has one). Sample time, so the report has percentiles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {
  @Param("policy.json")
  public String policyFile;

  @Param("What is the date one week from today in MM/DD/YYYY? Today is 03/12/2002.")
  public String prompt;

  @Param("Explain: Today is 03/12/2002, so one week from today is 7 days later, which is 03/19/2002.\nA: 03/19/2002")
  public String sampleText;

  private PolicyFile file;
  private dev.bursar.controller.Policy policy;
  private Request request;
  private Tally tally;
  private StoppingRule stop;
  private @Nullable String answerKey;
  private static final Set<Capability> CAPABILITIES = Set.of(Capability.CANCELLATION);
  private static final Budget BUDGET = Budget.ofTokens(1 << 20);

  @Setup
  public void setUp() {
    file = PolicyFile.load(Path.of(policyFile));
    // Built once, as the sidecar builds a loaded file's policy once (building may solve a stopping table).
    policy = file.policy();
    request = Request.of(prompt);
    Estimate e = file.estimator().estimate(request, Features.NONE);
    Plan plan = policy.decide(request, e, BUDGET, CAPABILITIES);
    stop = ((dev.bursar.controller.Mode.SelfConsistency) plan.mode()).stop();
    tally = new Tally();
    answerKey = Answers.normalize(Answers.read(sampleText).orElse(null));
    double score = stop.sampleScore(sampleText, answerKey, Double.NaN);
    tally.add(answerKey, 1, 61, Double.NaN, score);
    tally.add(answerKey, 1, 58, Double.NaN, score);
    tally.add("date:3/18/2002", 1, 73, Double.NaN, score);
  }

  @Benchmark
  public double[] queryFeatures() {
    return QueryText.features(request.prompt(), file.estimator().buckets());
  }

  @Benchmark
  public Plan decision() {
    Estimate e = file.estimator().estimate(request, Features.NONE);
    return policy.decide(request, e, BUDGET, CAPABILITIES);
  }

  @Benchmark
  public boolean stopCheck() {
    return stop.shouldStop(tally);
  }

  @Benchmark
  public double sampleScore() {
    return stop.sampleScore(sampleText, answerKey, Double.NaN);
  }

  @Benchmark
  public double[] voteStateFeatures() {
    return VoteState.features(tally, file.cap(), 0.7, 60);
  }
}

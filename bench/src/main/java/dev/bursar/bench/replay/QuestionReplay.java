package dev.bursar.bench.replay;

import dev.bursar.backends.replay.ReplayBackend;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.Tally;
import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Replays one pool's questions, in one order, through the methods: each method runs through the
 * {@link ComputeController} on a {@link ReplayBackend}, exactly as a request would, one sample per
 * draw. Votes are the pool's own {@code answer} field normalised as the pools' README says;
 * correctness is the pool's own {@code correct} field; a tie among leaders scores the expected
 * accuracy of a uniform tie-break; a question with no vote scores 0. The hindsight oracle is not a
 * policy (it needs the future) and is computed here from the recorded order.
 */
final class QuestionReplay {
  private final SampleOrder order;
  private final long seed;
  private final ReplayBackend backend;
  private final Map<Method, ComputeController> controllers = new IdentityHashMap<>();
  private @Nullable RunRecord last;
  private @Nullable Prepared prepared;

  /** Accuracy (expected, in [0, 1]), output tokens and samples drawn for one question. */
  record Score(double accuracy, long tokens, int samples) {}

  QuestionReplay(Pool pool, SampleOrder order, long seed) {
    this.order = order;
    this.seed = seed;
    this.backend = new ReplayBackend(List.of(pool), order, seed);
  }

  Score run(TraceRecord record, Method method) {
    Prepared q = prepare(record);
    if (method.isOracle()) return oracle(record, q.order(), q.correctByKey());
    backend.reset();
    Outcome out = controller(method).run(q.request());
    if (out instanceof Outcome.Failed f) throw new IllegalStateException("replay of qid " + record.qid() + " failed: " + f.error());
    return new Score(expectedAccuracy(answers(out), q.correctByKey()), out.spend().outputTokens(), out.spend().samples());
  }

  /**
   * {@return the answers to score: the vote's leaders, a tie scored as a uniform tie-break; the controller's
   * own answer where it is none of them (a policy that answers by its reader's scores, not by the count)}
   */
  private List<String> answers(Outcome out) {
    var tally = new Tally();
    for (RunRecord.Sample s : last.samples()) tally.add(Answers.normalize(s.answer()));
    List<String> leaders = tally.leaders();
    if (out instanceof Outcome.Answered a) {
      String answer = Answers.normalize(a.answer());
      if (answer != null && !leaders.contains(answer)) return List.of(answer);
    }
    return leaders;
  }

  /** What every method needs of one question: its serving order, the correctness of each vote, its request. */
  private record Prepared(TraceRecord record, int[] order, Map<String, Boolean> correctByKey, Request request) {}

  /** The benchmarks score all methods on one question before the next: keep the last question's preparation. */
  private Prepared prepare(TraceRecord record) {
    if (prepared != null && prepared.record() == record) return prepared;
    int[] idx = order.indices(record.samples().size(), seed, record.qid());
    Map<String, Boolean> correctByKey = new HashMap<>();
    for (int i : idx) {
      TraceRecord.Sample s = record.samples().get(i);
      String key = Answers.normalize(s.answer());
      if (key != null) correctByKey.putIfAbsent(key, Boolean.TRUE.equals(s.correct()));
    }
    String prompt = record.question().isBlank() ? "qid " + record.qid() : record.question();
    var request = Request.of(prompt).withMetadata(Map.of("qid", Long.toString(record.qid())));
    prepared = new Prepared(record, idx, correctByKey, request);
    return prepared;
  }

  /**
   * One controller per method: a fixed plan of self-consistency drawing one sample at a time, or the
   * method's estimator and policy deciding per question; never capped by tokens. The decision gets
   * all the time it needs (replay measures quality, not latency), and a fallback is an error.
   */
  private ComputeController controller(Method m) {
    return controllers.computeIfAbsent(m, k -> {
      var b = ComputeController.builder().backend(backend)
          .budget(Budget.ofTokens(Long.MAX_VALUE))
          .decisionTimeout(java.time.Duration.ofMinutes(5))
          .traceSink(r -> last = r);
      if (k.policy() != null) {
        b.policy(k.policy()).fallback(Plan.fast(Integer.MAX_VALUE));
        if (k.estimator() != null) b.estimator(k.estimator());
      } else {
        b.plan(Plan.selfConsistency(new Mode.SelfConsistency(k.maxSamples(), 1, k.rule(), null, false), Integer.MAX_VALUE));
      }
      return b.build();
    });
  }

  /** {@return the decisions that fell back because the policy or estimator failed, over all methods} */
  long fallbacks() {
    return controllers.values().stream().mapToLong(ComputeController::fallbacks).sum();
  }

  private static double expectedAccuracy(List<String> leaders, Map<String, Boolean> correctByKey) {
    if (leaders.isEmpty()) return 0;
    double right = 0;
    for (String k : leaders) if (Boolean.TRUE.equals(correctByKey.get(k))) right++;
    return right / leaders.size();
  }

  /**
   * The hindsight oracle: the fewest samples k after which the running majority equals the
   * all-sample majority through the last sample (ties to the first-appearing answer, as in the
   * pools' README). Needs the future, so it is an unreachable bound.
   */
  private static Score oracle(TraceRecord record, int[] idx, Map<String, Boolean> correctByKey) {
    var tally = new Tally();
    List<@Nullable String> running = new ArrayList<>();
    for (int i : idx) {
      tally.add(Answers.normalize(record.samples().get(i).answer()));
      running.add(tally.leader());
    }
    String target = tally.leader();
    int k = idx.length;
    if (target == null) {
      k = Math.min(1, idx.length);
    } else {
      while (k > 1 && target.equals(running.get(k - 2))) k--;
    }
    long tokens = 0;
    for (int i = 0; i < k; i++) tokens += record.samples().get(idx[i]).tokens();
    double acc = target == null ? 0 : (correctByKey.get(target) ? 1 : 0);
    return new Score(acc, tokens, k);
  }
}

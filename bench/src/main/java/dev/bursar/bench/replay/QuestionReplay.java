package dev.bursar.bench.replay;

import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.AnswerNormalizer;
import dev.bursar.controller.SelfConsistencyLoop;
import dev.bursar.controller.Tally;
import dev.bursar.controller.TraceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Replays one question's recorded samples, in one order, through one method. Votes are the pool's
 * own {@code answer} field normalised as the pools' README says; correctness is the pool's own
 * {@code correct} field; a tie among leaders scores the expected accuracy of a uniform tie-break;
 * a question with no vote scores 0.
 */
final class QuestionReplay {
  private final List<SelfConsistencyLoop.Sample> ordered;
  private final Map<String, Boolean> correctByKey = new HashMap<>();

  /** Accuracy (expected, in [0, 1]), output tokens and samples drawn for one question. */
  record Score(double accuracy, long tokens, int samples) {}

  QuestionReplay(TraceRecord record, SampleOrder order, long seed) {
    int[] idx = order.indices(record.samples().size(), seed, record.qid());
    ordered = new ArrayList<>(idx.length);
    for (int i : idx) {
      TraceRecord.Sample s = record.samples().get(i);
      String key = AnswerNormalizer.normalize(s.answer());
      ordered.add(SelfConsistencyLoop.Sample.of(key, s.tokens()));
      if (key != null) correctByKey.putIfAbsent(key, Boolean.TRUE.equals(s.correct()));
    }
  }

  Score run(Method method) {
    if (method.isOracle()) return oracle();
    var result = SelfConsistencyLoop.run(ordered.iterator(), method.rule(), method.maxSamples());
    return new Score(expectedAccuracy(result.tally().leaders()), result.tokens(), result.samples());
  }

  private double expectedAccuracy(List<String> leaders) {
    if (leaders.isEmpty()) return 0;
    double right = 0;
    for (String k : leaders) if (correctByKey.get(k)) right++;
    return right / leaders.size();
  }

  /**
   * The hindsight oracle: the fewest samples k after which the running majority equals the
   * all-sample majority through the last sample (ties to the first-appearing answer, as in the
   * pools' README). Needs the future, so it is an unreachable bound.
   */
  private Score oracle() {
    var tally = new Tally();
    List<@Nullable String> running = new ArrayList<>();
    for (var s : ordered) {
      tally.add(s.voteKey());
      running.add(tally.leader());
    }
    String target = tally.leader();
    int k = ordered.size();
    if (target == null) {
      k = Math.min(1, ordered.size());
    } else {
      while (k > 1 && target.equals(running.get(k - 2))) k--;
    }
    long tokens = 0;
    for (int i = 0; i < k; i++) tokens += ordered.get(i).tokens();
    double acc = target == null ? 0 : (correctByKey.get(target) ? 1 : 0);
    return new Score(acc, tokens, k);
  }
}

package dev.bursar.tuner;

import dev.bursar.controller.Answers;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One recorded question as the tuner uses it: the prompt the controller would see, each sample's
 * vote key (the answer normalised as the controller votes), tokens and correctness. Built only from
 * records whose every sample says whether it is right (pools, or trace logs with feedback).
 *
 * @param pool the pool (or trace log) it came from, so folds never split one question
 * @param prompt the prompt text, as the replay benchmark sends it
 * @param meanLogprobs each sample's mean token log-probability, NaN where the record has none
 * @param texts each sample's generated text, null where the record has none (length-only pools)
 * @param verifierScores each sample's verifier (reward-model) score, NaN where the record has none
 */
public record Question(String pool, long qid, String prompt, List<@Nullable String> keys, int[] tokens, boolean[] correct,
    Map<String, Boolean> correctByKey, double[] meanLogprobs, List<@Nullable String> texts, double[] verifierScores) {

  /**
   * {@return the question, or empty when it has no samples, a sample's correctness is unknown or it was a DEEP_SEARCH}
   * A sample without its own verdict is judged against the record's gold answer when there is one
   * (a trace log with feedback): right when the two are equal as votes.
   */
  public static Optional<Question> of(TraceRecord r) {
    if (r.samples().isEmpty()) return Optional.empty();
    // A search's sequences are steps, not samples to vote on (a sidecar's policy may route a query there).
    if (r.plan() != null && r.plan().startsWith(dev.bursar.controller.Mode.Kind.DEEP_SEARCH.name())) return Optional.empty();
    String gold = Answers.normalize(r.gold());
    List<@Nullable String> keys = new ArrayList<>();
    int[] tokens = new int[r.samples().size()];
    boolean[] correct = new boolean[tokens.length];
    double[] meanLogprobs = new double[tokens.length];
    double[] verifierScores = new double[tokens.length];
    List<@Nullable String> texts = new ArrayList<>();
    Map<String, Boolean> byKey = new HashMap<>();
    for (int i = 0; i < tokens.length; i++) {
      TraceRecord.Sample s = r.samples().get(i);
      String key = Answers.normalize(s.answer());
      Boolean right = s.correct() != null ? s.correct() : gold == null ? null : key != null && key.equals(gold);
      if (right == null) return Optional.empty();
      keys.add(key);
      tokens[i] = s.tokens();
      correct[i] = right;
      meanLogprobs[i] = s.meanLogprob() == null ? Double.NaN : s.meanLogprob();
      verifierScores[i] = s.score() == null ? Double.NaN : s.score();
      texts.add(s.text());
      if (key != null) byKey.putIfAbsent(key, right);
    }
    return Optional.of(new Question(r.pool(), r.qid(), promptOf(r), keys, tokens, correct, byKey, meanLogprobs, texts, verifierScores));
  }

  /** The prompt the replay benchmark sends for a record (the question text, or its id when the text is absent). */
  public static String promptOf(TraceRecord r) {
    return r.question().isBlank() ? "qid " + r.qid() : r.question();
  }

  public int size() {
    return tokens.length;
  }

  /** {@return the fraction of samples that are right: the label of P(one sample is right)} */
  public double sampleAccuracy() {
    int right = 0;
    for (boolean c : correct) if (c) right++;
    return (double) right / correct.length;
  }

  /** {@return the expected accuracy of a uniform tie-break among {@code leaders}; 0 with none} */
  public double accuracyOf(List<String> leaders) {
    if (leaders.isEmpty()) return 0;
    double right = 0;
    for (String k : leaders) if (Boolean.TRUE.equals(correctByKey.get(k))) right++;
    return right / leaders.size();
  }

  /** Stable fold of a question for cross-validation by question. */
  int fold(int folds, long seed) {
    long z = (pool.hashCode() * 0x9E3779B97F4A7C15L) ^ (qid + seed * 0xBF58476D1CE4E5B9L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (int) Math.floorMod(z, (long) folds);
  }
}

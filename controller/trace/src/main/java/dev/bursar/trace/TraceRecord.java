package dev.bursar.trace;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One query as the trace log, the replay backend and the tuner see it. Field names match the
 * sample pools in {@code shared/data/pools} ({@code pool, qid, question, gold, model, task,
 * samples[text, answer, correct, tokens, mean_logprob, score]}), so a pool line is a valid trace
 * record; the sidecar adds the optional fields (schema version, plan, features, outcome).
 *
 * @param schemaVersion 1 for this layout; pool lines have none and read as 1
 * @param pool the log or pool this record belongs to
 * @param qid question id, unique within the pool
 * @param question the query text
 * @param gold the gold answer when known
 * @param model the model that produced the samples
 * @param task a task label (gsm8k, math, date_understanding, arithmetic, ...)
 * @param samples the samples in draw order
 * @param plan the plan that ran (its description), or null for recorded pools
 * @param features the query features the estimators saw, or empty
 * @param outcome what the controller answered, or null for recorded pools
 * @param requestId the id the sidecar answered the request with ({@code chatcmpl-...}), which
 *     feedback refers to; null for recorded pools
 */
public record TraceRecord(
    int schemaVersion,
    String pool,
    long qid,
    String question,
    @Nullable String gold,
    String model,
    String task,
    List<Sample> samples,
    @Nullable String plan,
    Map<String, Double> features,
    @Nullable OutcomeSummary outcome,
    @Nullable String requestId) {

  public static final int SCHEMA_VERSION = 1;

  /** A record without a request id (recorded pools, replay). */
  public TraceRecord(int schemaVersion, String pool, long qid, String question, @Nullable String gold, String model, String task,
      List<Sample> samples, @Nullable String plan, Map<String, Double> features, @Nullable OutcomeSummary outcome) {
    this(schemaVersion, pool, qid, question, gold, model, task, samples, plan, features, outcome, null);
  }

  /** {@return this record with a gold answer (feedback)} */
  public TraceRecord withGold(@Nullable String newGold) {
    return new TraceRecord(schemaVersion, pool, qid, question, newGold, model, task, samples, plan, features, outcome, requestId);
  }

  /** {@return this record with other samples (feedback judged some)} */
  public TraceRecord withSamples(List<Sample> newSamples) {
    return new TraceRecord(schemaVersion, pool, qid, question, gold, model, task, newSamples, plan, features, outcome, requestId);
  }

  public TraceRecord {
    samples = List.copyOf(samples);
    features = Map.copyOf(features);
  }

  /** {@return true when at least one sample carries an answer (voting is possible)} */
  public boolean hasAnswers() {
    for (Sample s : samples) if (s.answer() != null) return true;
    return false;
  }

  /** {@return each sample's vote key ({@link dev.bursar.controller.Answers#normalize}), null where it has no answer} */
  public List<@Nullable String> voteKeys() {
    List<@Nullable String> keys = new java.util.ArrayList<>();
    for (Sample s : samples) keys.add(dev.bursar.controller.Answers.normalize(s.answer()));
    return keys;
  }

  /**
   * One sample.
   *
   * @param text generated text (null in length-only pools)
   * @param answer the extracted answer, null when none
   * @param correct whether the answer is right, null when unknown
   * @param tokens output tokens
   * @param meanLogprob mean token log-probability, or null
   * @param score a verifier or reward-model score, or null
   * @param finish how it ended (eos, stop, length, cancelled), or null when unknown
   */
  public record Sample(
      @Nullable String text,
      @Nullable String answer,
      @Nullable Boolean correct,
      int tokens,
      @Nullable Double meanLogprob,
      @Nullable Double score,
      @Nullable String finish) {
    public Sample {
      if (tokens < 0) throw new IllegalArgumentException("tokens must be >= 0, was " + tokens);
    }

    public Sample withCorrect(@Nullable Boolean c) {
      return new Sample(text, answer, c, tokens, meanLogprob, score, finish);
    }
  }

  /** What the controller answered for this query. */
  public record OutcomeSummary(
      String kind, @Nullable String answer, String mode, long inputTokens, long outputTokens,
      List<String> exits, long millis) {
    public OutcomeSummary {
      exits = List.copyOf(exits);
    }
  }
}

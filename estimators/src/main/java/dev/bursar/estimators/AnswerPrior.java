package dev.bursar.estimators;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How past questions' answers were distributed: the prior of Bayesian stopping
 * ({@code dev.bursar.policies.BayesianStop}), which a stop model may carry beside its trees. Only
 * counts, never the answers themselves nor whether they were right.
 *
 * @param questions each past question's counts
 * @param tokensPerSample mean output tokens of one past sample: what a sample costs at a given lambda
 */
public record AnswerPrior(List<Counts> questions, double tokensPerSample) {
  /** Answers of a past question kept by frequency; rarer ones count as answers it never gave. */
  public static final int TOP_ANSWERS = 5;

  public AnswerPrior {
    questions = List.copyOf(questions);
    if (questions.isEmpty()) throw new IllegalArgumentException("an answer prior needs at least one past question");
    if (!(tokensPerSample > 0) || Double.isInfinite(tokensPerSample)) {
      throw new IllegalArgumentException("tokensPerSample must be > 0, was " + tokensPerSample);
    }
  }

  /**
   * One past question: its samples, those without an answer, and the counts of its most frequent
   * answers, descending (at most {@link #TOP_ANSWERS}).
   */
  public record Counts(int samples, int none, int[] top) {
    public Counts {
      top = top.clone();
      if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, was " + samples);
      if (none < 0) throw new IllegalArgumentException("none must be >= 0, was " + none);
      if (top.length > TOP_ANSWERS) throw new IllegalArgumentException("at most " + TOP_ANSWERS + " answer counts, got " + top.length);
      long sum = none;
      for (int i = 0; i < top.length; i++) {
        if (top[i] < 1) throw new IllegalArgumentException("answer counts must be >= 1, was " + top[i]);
        if (i > 0 && top[i] > top[i - 1]) throw new IllegalArgumentException("answer counts must be in descending order");
        sum += top[i];
      }
      if (sum > samples) throw new IllegalArgumentException("answer counts and none add up to " + sum + ", more than the " + samples + " samples");
    }

    /** {@return the counts of one question's vote keys, null where a sample had no answer; null when it has no sample} */
    public static @Nullable Counts of(List<@Nullable String> keys) {
      if (keys.isEmpty()) return null;
      Map<String, Integer> counts = new HashMap<>();
      int none = 0;
      for (String key : keys) {
        if (key == null) none++;
        else counts.merge(key, 1, Integer::sum);
      }
      int[] top = counts.values().stream().sorted((x, y) -> y - x).limit(TOP_ANSWERS).mapToInt(Integer::intValue).toArray();
      return new Counts(keys.size(), none, top);
    }
  }
}

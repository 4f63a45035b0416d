package dev.bursar.arithmetic;

import org.jspecify.annotations.Nullable;

/**
 * One training sequence: {@code prompt + completion}, to be trained with the loss on the completion
 * (prepend {@code <bos>}: {@link CharTokenizer#encodeWithBos(String)} of {@link #text()}).
 *
 * <ul>
 *   <li>{@link Kind#FULL}: {@code <think>} + all step lines + {@code </think>A:<answer>\n<eos>}.
 *   <li>{@link Kind#FORCED}: the thinking is cut after {@code stepsShown} complete lines ({@code
 *       0..ops}), then {@code </think>A:<true answer>\n<eos>}; teaches the model to answer when a
 *       probe appends {@link ArithmeticTask#FORCE_ANSWER_SUFFIX} at any step boundary.
 * </ul>
 *
 * @param prompt {@code Q:<expression>\n}
 * @param completion see above; always ends with {@code <eos>}
 * @param kind full or forced
 * @param stepsShown thinking lines included ({@code problem.ops()} for full examples)
 * @param problem the underlying problem (answer, steps, bucket)
 */
public record TrainingExample(
    String prompt, String completion, Kind kind, int stepsShown, Problem problem) {

  /** Whether the thinking is complete or cut short. */
  public enum Kind {
    /** Whole chain of thought. */
    FULL,
    /** Thinking cut at a step boundary, then the answer. */
    FORCED
  }

  /**
   * Where, in {@link #completion()}, the text a probe writes begins ({@link
   * ArithmeticTask#FORCE_ANSWER_SUFFIX}), or -1 for a full example. A trainer must not put loss on
   * that text: it is the controller's decision to stop thinking, not the model's, and learning it
   * teaches the model to close its thinking before it has begun (the earlier embedded weights
   * answered 20 of their 25 typed-set misses with no thinking at all).
   */
  public int forcedAt() {
    return kind == Kind.FORCED ? completion.lastIndexOf(ArithmeticTask.FORCE_ANSWER_SUFFIX) : -1;
  }

  /** {@code prompt + completion}. */
  public String text() {
    return prompt + completion;
  }

  /** The bucket the problem came from, if any. */
  public @Nullable Bucket bucket() {
    return problem.bucket();
  }

  /** A full example of a problem. */
  public static TrainingExample full(Problem problem) {
    return new TrainingExample(
        problem.prompt(), problem.completion(), Kind.FULL, problem.ops(), problem);
  }

  /** A forced example showing the first {@code stepsShown} steps. */
  public static TrainingExample forced(Problem problem, int stepsShown) {
    return new TrainingExample(
        problem.prompt(), problem.forcedCompletion(stepsShown), Kind.FORCED, stepsShown, problem);
  }
}

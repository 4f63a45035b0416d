package dev.bursar.arithmetic;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One arithmetic problem with its exact answer and its chain of thought (the canonical one, or a
 * random admissible order from {@link ArithmeticTask#randomOrder}).
 *
 * <p>Build with {@link ArithmeticTask#generate(java.util.random.RandomGenerator, Bucket)} (or a
 * {@link Difficulty}), or {@link ArithmeticTask#solve(String)} for a given expression.
 *
 * @param expression canonical compact expression, e.g. {@code 17+25*3} (no spaces, minimal
 *     parentheses)
 * @param answer the exact value
 * @param steps the reduction chain, one {@link Step} per operation (canonical order except for
 *     {@link ArithmeticTask#randomOrder}); the last step's result is {@code answer}
 * @param bucket the bucket it was drawn from, or {@code null} for a problem built from a
 *     difficulty or from a user's question
 */
public record Problem(String expression, long answer, List<Step> steps, @Nullable Bucket bucket) {

  /** Defensive copy; checks the chain ends in the answer. */
  public Problem {
    steps = List.copyOf(steps);
    if (steps.isEmpty() || steps.getLast().result() != answer || !steps.getLast().isFinal()) {
      throw new IllegalArgumentException("the step chain of '" + expression + "' does not end in " + answer);
    }
  }

  /** Number of operations (= number of thinking steps). */
  public int ops() {
    return steps.size();
  }

  /** The model prompt: {@code Q:<expression>\n}. */
  public String prompt() {
    return ArithmeticTask.prompt(expression);
  }

  /** The full completion: {@code <think>} + every step line + {@code </think>A:<answer>\n<eos>}. */
  public String completion() {
    return ArithmeticTask.forcedCompletion(this, steps.size());
  }

  /**
   * The completion with the thinking cut after {@code stepsShown} complete steps, then the true
   * answer: {@code <think>} + first {@code stepsShown} lines + {@code </think>A:<answer>\n<eos>}.
   *
   * @param stepsShown in {@code 0..ops()}
   */
  public String forcedCompletion(int stepsShown) {
    return ArithmeticTask.forcedCompletion(this, stepsShown);
  }

  /** {@code prompt() + completion()}. */
  public String text() {
    return prompt() + completion();
  }

  /** The thinking lines (without delimiters), one per step. */
  public List<String> stepLines() {
    return steps.stream().map(Step::line).toList();
  }

  /** Tokens of the whole training sequence: {@code <bos>} + prompt + completion (ends in {@code <eos>}). */
  public int sequenceTokens() {
    return 1 + CharTokenizer.INSTANCE.encode(text()).length;
  }
}

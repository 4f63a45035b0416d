package dev.bursar.arithmetic;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Exact grading of final answers in generated text.
 *
 * <p>The answer is the text after the <em>last</em> {@link ArithmeticTask#ANSWER_MARKER} ({@code
 * A:}), up to the first {@code \n}, {@code <eos>} or the end of the text, with surrounding
 * whitespace stripped. It counts as a number only if it is an optional {@code -} followed by 1-18
 * digits; anything else (empty, {@code 9x}, {@code 1 2}) is no answer.
 */
public final class AnswerChecker {

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

  private AnswerChecker() {}

  /**
   * The raw answer text: after the last {@code A:}, up to {@code \n}, {@code <eos>} or the end,
   * stripped. Empty if the text has no {@code A:}. Useful for voting over unparsable answers.
   */
  public static Optional<String> answerText(String generated) {
    int at = generated.lastIndexOf(ArithmeticTask.ANSWER_MARKER);
    if (at < 0) {
      return Optional.empty();
    }
    String tail = generated.substring(at + ArithmeticTask.ANSWER_MARKER.length());
    int end = tail.length();
    int nl = tail.indexOf(ArithmeticTask.STEP_DELIMITER);
    if (nl >= 0) {
      end = nl;
    }
    int eos = tail.indexOf(ArithmeticTask.EOS);
    if (eos >= 0 && eos < end) {
      end = eos;
    }
    return Optional.of(tail.substring(0, end).strip());
  }

  /** The final answer as a number, or empty if there is none or it is not an integer. */
  public static OptionalLong extractAnswer(String generated) {
    Optional<String> text = answerText(generated);
    if (text.isEmpty() || !INTEGER.matcher(text.get()).matches()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(text.get()));
  }

  /** Whether the generated text's final answer equals {@code expected} exactly. */
  public static boolean isCorrect(String generated, long expected) {
    OptionalLong a = extractAnswer(generated);
    return a.isPresent() && a.getAsLong() == expected;
  }

  /** Whether the generated text's final answer is the problem's answer. */
  public static boolean isCorrect(String generated, Problem problem) {
    return isCorrect(generated, problem.answer());
  }
}

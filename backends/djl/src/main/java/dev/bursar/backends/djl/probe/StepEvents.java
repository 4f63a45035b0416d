package dev.bursar.backends.djl.probe;

import dev.bursar.arithmetic.AnswerChecker;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.StepCheck;
import dev.bursar.arithmetic.StepChecker;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a rollout's completion into the points where a process reward probe is read, with their
 * exact labels.
 *
 * <p>A {@linkplain Kind#STEP step} event sits on the {@code \n} that ends a complete thinking line;
 * its label is {@link StepCheck#correct()} from {@link StepChecker}: the line is valid and so was
 * every earlier one. An {@linkplain Kind#ANSWER answer} event sits on the {@code \n} that ends the
 * answer line {@code </think>A:...\n} (the last candidate step DEEP_SEARCH scores); its label is
 * "no thinking line was wrong and the answer is the true one". Lines of an unfinished rollout that
 * lack their {@code \n} have no event.
 */
public final class StepEvents {
  private StepEvents() {}

  /** Where an event sits. */
  public enum Kind {
    /** The end of a thinking line. */
    STEP,
    /** The end of the answer line. */
    ANSWER
  }

  /**
   * One labelled point.
   *
   * @param kind step or answer
   * @param index 0-based line index for a step; the number of thinking lines for the answer
   * @param line the thinking line, or the answer line's text after {@code A:}
   * @param verdict the checker's verdict on a step; {@code null} for an answer event
   * @param correct the label
   * @param end offset into the completion just past the event's {@code \n}: {@code completion
   *     .substring(0, end)} is the thinking the verifier sees, ending on the delimiter
   */
  public record Event(Kind kind, int index, String line, StepCheck.@Nullable Verdict verdict, boolean correct, int end) {}

  /** The events of one completion of {@code problem}'s prompt, in text order. */
  public static List<Event> of(Problem problem, String completion) {
    List<String> lines = StepChecker.thinkingLines(completion);
    List<StepCheck> checks = StepChecker.check(problem, lines);
    int open = completion.indexOf(ArithmeticTask.THINK_OPEN);
    int at = open < 0 ? 0 : open + ArithmeticTask.THINK_OPEN.length();
    List<Event> out = new ArrayList<>(checks.size() + 1);
    for (StepCheck c : checks) {
      at += c.line().length() + ArithmeticTask.STEP_DELIMITER.length();
      out.add(new Event(Kind.STEP, c.index(), c.line(), c.verdict(), c.correct(), at));
    }
    int close = completion.indexOf(ArithmeticTask.THINK_CLOSE, at);
    if (close >= 0) {
      int marker = close + ArithmeticTask.THINK_CLOSE.length();
      if (completion.startsWith(ArithmeticTask.ANSWER_MARKER, marker)) {
        int nl = completion.indexOf(ArithmeticTask.STEP_DELIMITER, marker);
        if (nl >= 0) {
          String text = completion.substring(marker + ArithmeticTask.ANSWER_MARKER.length(), nl);
          boolean stepsOk = StepChecker.allCorrect(checks);
          boolean answerOk = AnswerChecker.isCorrect(completion.substring(0, nl + 1), problem);
          out.add(new Event(Kind.ANSWER, checks.size(), text, null, stepsOk && answerOk, nl + 1));
        }
      }
    }
    return out;
  }
}

package dev.bursar.controller;

import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one way bursar reads answers: every mode, the benchmarks and {@code ask} go through it.
 *
 * <ul>
 *   <li>{@link #read(String, ReasoningFormat)}: a model that writes in a {@link ReasoningFormat}
 *       (the embedded model: {@code <think>...</think>A:92}) answers after its last answer marker; a
 *       chain that opened its thinking and never reached the marker was cut off and has no answer.
 *       Other texts fall back to {@link #read(String)}.
 *   <li>{@link #read(String)}: the generic extractor for free-form LLM outputs ({@code \boxed{}},
 *       {@code ####}, {@code A:}, "the answer is", ...; the rules are in {@code AnswerExtractor}).
 *       A program-of-thought text has no answer here: running model-written code is opt-in, through
 *       {@link #read(String, Function)} (the {@code bursar-pot} module passes its sandboxed runner).
 *   <li>{@link #normalize(String)}: the vote key of an answer (dates as integers, numbers rounded to
 *       6 decimals, other strings lower-cased); null does not vote.
 * </ul>
 */
public final class Answers {
  private Answers() {}

  /** {@return the answer of a generation in {@code format}, or empty when it has none} */
  public static Optional<String> read(String text, ReasoningFormat format) {
    int i = text.lastIndexOf(format.answerMarker());
    if (i >= 0) {
      String rest = text.substring(i + format.answerMarker().length());
      int end = rest.length();
      for (String s : format.answerEnd()) {
        int j = rest.indexOf(s);
        if (j >= 0) end = Math.min(end, j);
      }
      String a = rest.substring(0, end).strip();
      return a.isEmpty() ? Optional.empty() : Optional.of(a);
    }
    // A chain in this format that never reached its answer marker was cut off: it has no answer,
    // and the generic extractor's whole-text fallback would turn the partial thinking into a vote.
    if (!format.thinkOpen().isEmpty() && text.contains(format.thinkOpen())) return Optional.empty();
    return AnswerExtractor.extract(text);
  }

  /** {@return the final answer of a free-form LLM output, as written, or empty when it has none} */
  public static Optional<String> read(@Nullable String text) {
    return AnswerExtractor.extract(text);
  }

  /**
   * {@return the final answer of a free-form LLM output}, where a program-of-thought text (Python
   * storing its result in {@code ans}) is answered by {@code programs}, given the program's source
   */
  public static Optional<String> read(@Nullable String text, Function<String, Optional<String>> programs) {
    return AnswerExtractor.extract(text, programs);
  }

  /** {@return the vote key of {@code answer}, or null when it does not vote} */
  public static @Nullable String normalize(@Nullable String answer) {
    return AnswerNormalizer.normalize(answer);
  }
}

package dev.bursar.pot;

import dev.bursar.controller.Answers;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads answers as {@link Answers#read(String)} does, except that a program-of-thought text (a
 * Python program storing its result in {@code ans}) is run by a small sandboxed interpreter and
 * answered with {@code float(ans)} as Python's {@code repr} writes it ({@code "18.0"}). A program
 * that fails (syntax error, unbound name, division by zero, time-out, anything unsupported such as
 * imports) has no answer.
 *
 * <p>Opt-in: only code that depends on this module runs model-written code (the replay benchmark's
 * extractor-agreement metric on program-of-thought pools).
 */
public final class ProgramAnswers {
  private ProgramAnswers() {}

  /** {@return the final answer of {@code text}, running it when it is a program} */
  public static Optional<String> read(@Nullable String text) {
    return Answers.read(text, source -> MiniPython.run(source, "ans"));
  }
}

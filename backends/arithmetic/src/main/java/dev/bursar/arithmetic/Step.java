package dev.bursar.arithmetic;

/**
 * One thinking step: the reduction of exactly one operation of the current expression.
 *
 * <p>Its {@linkplain #line() text} is {@code left op right=result;rest}, where {@code rest} is the
 * whole expression after the reduction. On the final step the remaining expression is the bare
 * result and {@code ;rest} is omitted: {@code 17+75=92}.
 *
 * @param left left operand
 * @param op {@code '+'}, {@code '-'} or {@code '*'}
 * @param right right operand
 * @param result {@code left op right}
 * @param rest the remaining expression after this step, or {@code ""} when it is just {@code
 *     result} (the final step)
 */
public record Step(long left, char op, long right, long result, String rest) {

  /** The step's line, without the trailing {@link ArithmeticTask#STEP_DELIMITER}. */
  public String line() {
    String head = left + String.valueOf(op) + right + "=" + result;
    return rest.isEmpty() ? head : head + ";" + rest;
  }

  /** The expression after this step ({@link #rest()}, or the result on the final step). */
  public String expressionAfter() {
    return rest.isEmpty() ? Long.toString(result) : rest;
  }

  /** Whether this step leaves a single number (the answer). */
  public boolean isFinal() {
    return rest.isEmpty();
  }
}

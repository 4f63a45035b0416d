package dev.bursar.arithmetic;

/**
 * The verdict on one thinking line, from {@link StepChecker}.
 *
 * <p>A line is checked against the expression it should reduce: the problem's expression for the
 * first line, afterwards the remaining expression the previous line wrote (so a line after a
 * mistake is judged locally against the model's own state). {@link #correct()} is the label for a
 * process-reward model: this line is valid <em>and</em> every earlier line was, i.e. the chain is
 * still on track to the true answer.
 *
 * @param index 0-based line index
 * @param line the line as generated (without {@code \n})
 * @param verdict what is wrong with the line, or {@link Verdict#VALID}
 * @param arithmeticOk the written operation is arithmetically true ({@code a op b} equals the
 *     written result); false when malformed
 * @param consistent the operation is one the current expression can legally reduce next
 *     (precedence, parentheses, operands as written there) and the written remaining expression is
 *     the current one with it replaced
 * @param correct {@code verdict == VALID} and every earlier step is correct
 * @param canonical the line is exactly the canonical next step (the one training data shows)
 * @param expected the canonical next line from the state this line was checked against, or {@code
 *     ""} when there is none (nothing left to reduce, or the state was unreadable)
 * @param detail a human-readable explanation
 */
public record StepCheck(
    int index,
    String line,
    Verdict verdict,
    boolean arithmeticOk,
    boolean consistent,
    boolean correct,
    boolean canonical,
    String expected,
    String detail) {

  /** What is wrong with a step, if anything. */
  public enum Verdict {
    /** Arithmetically true and a legal reduction of the current expression. */
    VALID,
    /** The operation is the right kind of reduction but its written result is wrong. */
    ARITHMETIC_ERROR,
    /**
     * The operation is not one the current expression can reduce next (wrong precedence, operands
     * that are not there, or the state was unreadable).
     */
    WRONG_OPERATION,
    /** Right operation and result, but the written remaining expression is not the reduced one. */
    REWRITE_ERROR,
    /** Does not have the shape {@code a op b=c[;rest]}. */
    MALFORMED,
    /** The expression was already reduced to a single number. */
    EXTRA_STEP
  }
}

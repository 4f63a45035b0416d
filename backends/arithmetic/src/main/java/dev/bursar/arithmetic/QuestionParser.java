package dev.bursar.arithmetic;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a human question into the canonical expression the embedded model is prompted with
 * (then {@link ArithmeticTask#prompt(String)}).
 *
 * <p>Accepted: an optional lead-in ({@code what is}, {@code what's}, {@code compute}, {@code
 * calculate}, {@code evaluate}, {@code solve}, {@code how much is}, {@code Q:} ...), an expression
 * over whole numbers with {@code +}, {@code -}, {@code *} and parentheses, spaces anywhere, the
 * words {@code plus}, {@code minus}, {@code times}, {@code multiplied by}, the signs {@code ×},
 * {@code ·}, {@code ∗}, {@code x} between numbers (multiplication) and {@code −}, {@code –}
 * (minus), and an optional trailing {@code ?}, {@code =}, {@code equals} or {@code .}. Case does
 * not matter.
 *
 * <p>Rejected with an {@link IllegalArgumentException} whose message says what is wrong and what
 * is accepted: anything that is not such an expression ("What is the capital of France?"),
 * division, exponents, decimals, negative numbers typed as such ({@code -5+3}), operands above
 * 999, more than {@value ArithmeticTask#MAX_OPS} operations or none, and expressions whose
 * intermediate results leave {@code -999999..999999} or go negative inside the expression ({@code
 * 5*(2-9)}; the model has only seen negative running values: {@code 10-29+5}).
 *
 * <pre>{@code
 * QuestionParser.parse("What is 17+25*3?")            // "17+25*3"
 * QuestionParser.parse("what's 17 plus 25 times 3")  // "17+25*3"
 * QuestionParser.parse("Compute 12*(3-1)")           // "12*(3-1)"
 * QuestionParser.parse("(2*3)+4=")                   // "2*3+4"   (minimal parentheses)
 * }</pre>
 */
public final class QuestionParser {

  /** What the model accepts, appended to every rejection message. */
  public static final String ACCEPTED =
      "The embedded model answers arithmetic on whole numbers 0.."
          + (pow10(ArithmeticTask.MAX_OPERAND_DIGITS) - 1)
          + " with +, -, * and parentheses, 1 to "
          + ArithmeticTask.MAX_OPS
          + " operations, every intermediate result between -"
          + (ArithmeticTask.MAX_VALUE - 1)
          + " and "
          + (ArithmeticTask.MAX_VALUE - 1)
          + " (negative only as the running value of a chain, e.g. 10-29+5), e.g. 'What is 17+25*3?'.";

  private static final Pattern LEAD_IN =
      Pattern.compile(
          "^(?:q\\s*:|question\\s*:|please|can\\s+you|could\\s+you|tell\\s+me|what\\s+is|what's|whats"
              + "|what\\s+does|how\\s+much\\s+is|how\\s+much\\s+does|compute|calculate|evaluate|solve"
              + "|work\\s+out|find|the\\s+value\\s+of|the\\s+result\\s+of)[\\s,:]*");
  private static final Pattern TRAILER =
      Pattern.compile("(?:[\\s?!.=]|\\bequals?\\b|\\bmake\\b|\\bplease\\b)+$");
  private static final Pattern X_TIMES = Pattern.compile("(?<=[0-9)])\\s*x\\s*(?=[0-9(])");
  private static final Pattern DECIMAL = Pattern.compile("\\d\\s*[.,]\\s*\\d");
  private static final Pattern SPACED_NUMBERS = Pattern.compile("\\d\\s+\\d");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private QuestionParser() {}

  /**
   * The canonical expression of a question (no spaces, minimal parentheses, no leading zeros).
   *
   * @throws IllegalArgumentException saying what is wrong and what is accepted ({@link #ACCEPTED})
   */
  public static String parse(String question) {
    return parseProblem(question).expression();
  }

  /**
   * The problem of a question: canonical expression, exact answer and canonical steps (bucket
   * {@code null}).
   *
   * @throws IllegalArgumentException saying what is wrong and what is accepted
   */
  public static Problem parseProblem(String question) {
    String s = question.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw reject("the question is empty");
    }
    s = s.replace('×', '*').replace('✕', '*').replace('✖', '*').replace('·', '*')
        .replace('∗', '*').replace('⋅', '*')
        .replace('−', '-').replace('–', '-').replace('—', '-').replace('‐', '-')
        .replace('’', '\'').replace('÷', '/').replace('∕', '/').replace('＋', '+');
    s = s.replaceAll("\\bmultiplied\\s+by\\b", "*")
        .replaceAll("\\btimes\\b", "*")
        .replaceAll("\\bplus\\b", "+")
        .replaceAll("\\bminus\\b", "-")
        .replaceAll("\\b(?:divided\\s+by|over)\\b", "/");
    s = X_TIMES.matcher(s).replaceAll("*");
    String before;
    do {
      before = s;
      s = LEAD_IN.matcher(s.strip()).replaceFirst("");
    } while (!s.equals(before));
    s = TRAILER.matcher(s).replaceFirst("").strip();
    if (s.isEmpty()) {
      throw reject("no arithmetic expression found in '" + question.strip() + "'");
    }
    if (s.indexOf('/') >= 0 || s.contains("mod") || s.indexOf('%') >= 0) {
      throw reject("division is not supported in '" + question.strip() + "'");
    }
    if (s.indexOf('^') >= 0 || s.contains("**") || s.contains("power") || s.contains("squared")) {
      throw reject("exponents are not supported in '" + question.strip() + "'");
    }
    if (DECIMAL.matcher(s).find()) {
      throw reject("decimal numbers are not supported in '" + question.strip() + "'");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '*' || c == '(' || c == ')'
          || Character.isWhitespace(c);
      if (!ok) {
        throw reject(
            Character.isLetter(c)
                ? "'" + question.strip() + "' is not an arithmetic question this model can answer"
                : "unexpected character '" + c + "' in '" + question.strip() + "'");
      }
    }
    if (SPACED_NUMBERS.matcher(s).find()) {
      throw reject("missing operator between two numbers in '" + question.strip() + "'");
    }
    String compact = s.replaceAll("\\s+", "");
    Matcher m = NUMBER.matcher(compact);
    while (m.find()) {
      String digits = m.group().replaceFirst("^0+(?=\\d)", "");
      if (digits.length() > ArithmeticTask.MAX_OPERAND_DIGITS) {
        throw reject("the number " + m.group() + " is too large");
      }
    }
    if (compact.startsWith("-")) {
      throw reject("negative numbers are not supported in '" + question.strip() + "'");
    }
    Expr.Node tree;
    try {
      tree = Expr.parse(compact);
    } catch (IllegalArgumentException e) {
      throw reject("cannot read '" + compact + "' as an expression: " + e.getMessage());
    }
    int ops = Expr.countOps(tree);
    if (ops == 0) {
      throw reject("'" + compact + "' has no operation to compute");
    }
    if (ops > ArithmeticTask.MAX_OPS) {
      throw reject("'" + compact + "' has " + ops + " operations, more than " + ArithmeticTask.MAX_OPS);
    }
    Problem p;
    try {
      p = ArithmeticTask.solve(compact);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw reject("'" + compact + "' is out of the model's range: " + e.getMessage());
    }
    if (p.sequenceTokens() > ArithmeticTask.MAX_SEQUENCE_TOKENS) {
      throw reject("'" + compact + "' needs a chain of thought longer than the model's context");
    }
    return p;
  }

  /** Whether {@link #parse(String)} accepts the question. */
  public static boolean accepts(String question) {
    try {
      parse(question);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static IllegalArgumentException reject(String what) {
    return new IllegalArgumentException(what + ". " + ACCEPTED);
  }

  private static long pow10(int e) {
    long v = 1;
    for (int i = 0; i < e; i++) {
      v *= 10;
    }
    return v;
  }
}

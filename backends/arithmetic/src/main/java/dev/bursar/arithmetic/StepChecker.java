package dev.bursar.arithmetic;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks thinking lines step by step, exactly, against the problem (used to label steps for a
 * process-reward probe and to grade chains of thought).
 *
 * <p>Each line must read {@code a op b=c;rest} (or {@code a op b=c} when the result is the whole
 * remaining expression), with a multiplication's partial products between {@code a op b} and
 * {@code c} exactly as {@link Step#work} writes them ({@code 35*23=35*20+35*3=700+105=805}; a wrong
 * or missing partial product is an arithmetic error). It is {@linkplain StepCheck.Verdict#VALID valid} when {@code a op b} is a
 * reduction the current expression allows next without changing its value (any legal one, not
 * only the canonical one: in {@code (1+2)*(3+4)} both sums may go first; in {@code 17+25*3} only
 * {@code 25*3}; in {@code 9+4-2} also {@code 4-2}, by associativity, but in {@code 9-4+2} not
 * {@code 4+2}; in {@code 2*3*4} also {@code 3*4}; the operands of a {@code +} or {@code *} may be
 * written in either order, {@code 3*25} for {@code 25*3}, but those of a {@code -} may not), {@code c} is
 * its value and {@code rest} is the current expression with it replaced (parentheses around a lone
 * number dropped). See {@link StepCheck} for the fields.
 */
public final class StepChecker {

  private static final Pattern OPERATION = Pattern.compile("(-?\\d{1,18})([+*-])(\\d{1,18})");
  private static final Pattern NUMBER = Pattern.compile("-?\\d{1,18}");

  /** A step line split into its parts: {@code left op right[=work]=result[;rest]}. */
  private record Written(String left, char op, String right, String work, String result, @Nullable String rest) {

    static @Nullable Written parse(String line) {
      int semi = line.indexOf(';');
      String head = semi < 0 ? line : line.substring(0, semi);
      @Nullable String rest = semi < 0 ? null : line.substring(semi + 1);
      int firstEq = head.indexOf('=');
      int lastEq = head.lastIndexOf('=');
      if (firstEq < 0) {
        return null;
      }
      Matcher operation = OPERATION.matcher(head.substring(0, firstEq));
      String result = head.substring(lastEq + 1);
      if (!operation.matches() || !NUMBER.matcher(result).matches()) {
        return null;
      }
      String work = firstEq == lastEq ? "" : head.substring(firstEq + 1, lastEq);
      return new Written(operation.group(1), operation.group(2).charAt(0), operation.group(3), work, result, rest);
    }
  }

  private StepChecker() {}

  /**
   * Checks a prompt and a (possibly partial) completion: the expression comes from the prompt
   * ({@code Q:<expr>\n}), the lines from {@link #thinkingLines(String)}.
   *
   * @throws IllegalArgumentException if the prompt is not a task prompt
   */
  public static List<StepCheck> checkCompletion(String prompt, String completion) {
    return check(expressionOf(prompt), thinkingLines(completion));
  }

  /**
   * The expression of a task prompt {@code Q:<expr>\n}.
   *
   * @throws IllegalArgumentException if the prompt does not have that shape
   */
  public static String expressionOf(String prompt) {
    String p = prompt.startsWith(ArithmeticTask.BOS) ? prompt.substring(ArithmeticTask.BOS.length()) : prompt;
    if (!p.startsWith(ArithmeticTask.QUESTION_MARKER)) {
      throw new IllegalArgumentException("not a task prompt (expected 'Q:<expression>\\n'): " + prompt);
    }
    String expr = p.substring(ArithmeticTask.QUESTION_MARKER.length()).strip();
    Expr.parse(expr);
    return expr;
  }

  /**
   * The complete thinking lines of a completion: the text after {@code <think>} (or from the start
   * if absent) up to {@code </think>} (or the end), split on {@code \n}. A last line without its
   * terminating {@code \n} is incomplete and left out, as is anything after {@code </think>}.
   */
  public static List<String> thinkingLines(String completion) {
    int start = completion.indexOf(ArithmeticTask.THINK_OPEN);
    String body = start < 0 ? completion : completion.substring(start + ArithmeticTask.THINK_OPEN.length());
    int close = body.indexOf(ArithmeticTask.THINK_CLOSE);
    if (close >= 0) {
      body = body.substring(0, close);
    }
    List<String> lines = new ArrayList<>();
    int from = 0;
    int nl;
    while ((nl = body.indexOf(ArithmeticTask.STEP_DELIMITER, from)) >= 0) {
      lines.add(body.substring(from, nl));
      from = nl + 1;
    }
    return lines;
  }

  /** Checks the lines of {@code problem}'s expression. */
  public static List<StepCheck> check(Problem problem, List<String> lines) {
    return check(problem.expression(), lines);
  }

  /**
   * Checks thinking lines against an expression.
   *
   * @param expression the problem's expression (as in the prompt)
   * @param lines thinking lines without their {@code \n}
   * @throws IllegalArgumentException if the expression does not parse
   */
  public static List<StepCheck> check(String expression, List<String> lines) {
    Expr.parse(expression);
    @Nullable List<String> state = Expr.tokenize(expression);
    boolean onTrack = true;
    List<StepCheck> out = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Result r = checkOne(state, line);
      boolean correct = onTrack && r.verdict == StepCheck.Verdict.VALID;
      onTrack = correct;
      out.add(
          new StepCheck(
              i, line, r.verdict, r.arithmeticOk, r.consistent, correct, r.canonical, r.expected, r.detail));
      state = r.next;
    }
    return out;
  }

  /** Whether every line checks as correct (an empty list is trivially correct). */
  public static boolean allCorrect(List<StepCheck> checks) {
    return checks.stream().allMatch(StepCheck::correct);
  }

  private record Result(
      StepCheck.Verdict verdict,
      boolean arithmeticOk,
      boolean consistent,
      boolean canonical,
      String expected,
      String detail,
      @Nullable List<String> next) {}

  private static Result checkOne(@Nullable List<String> state, String line) {
    String expected = "";
    if (state != null && state.size() > 1) {
      try {
        expected = lineOf(Expr.canonical(state));
      } catch (ArithmeticException | IllegalStateException e) {
        expected = "";
      }
    }
    @Nullable Written m = Written.parse(line);
    if (m == null) {
      return new Result(
          StepCheck.Verdict.MALFORMED, false, false, false, expected,
          "expected 'a op b=c;rest' (or 'a op b=c' on the last step), got '" + line + "'", null);
    }
    long a = Long.parseLong(m.left);
    char op = m.op;
    long b = Long.parseLong(m.right);
    long c = Long.parseLong(m.result);
    @Nullable String rest = m.rest;
    boolean arithmeticOk;
    long trueValue;
    try {
      trueValue = Expr.apply(op, a, b);
      arithmeticOk = trueValue == c;
    } catch (ArithmeticException e) {
      trueValue = Long.MIN_VALUE;
      arithmeticOk = false;
    }
    String work = Step.work(a, op, b);
    boolean workOk = work.equals(m.work);
    @Nullable List<String> next = writtenState(rest, c);
    if (state == null) {
      return new Result(
          StepCheck.Verdict.WRONG_OPERATION, arithmeticOk, false, false, expected,
          "the previous step left no readable expression to reduce", next);
    }
    if (state.size() == 1) {
      return new Result(
          StepCheck.Verdict.EXTRA_STEP, arithmeticOk, false, false, expected,
          "the expression is already reduced to " + state.getFirst(), next);
    }
    // every candidate the line may name: the operation as written, or for '+' and '*' with its
    // operands swapped (never for '-'); when several match (8+8+8 has two '8+8'), the one whose
    // rewrite the line gives wins
    List<Expr.Reduction> matches = new ArrayList<>();
    List<Boolean> swaps = new ArrayList<>();
    List<Expr.Reduction> candidates = Expr.candidates(state);
    for (Expr.Reduction cand : candidates) {
      if (cand.left() == a && cand.op() == op && cand.right() == b
          && state.get(cand.opIndex() - 1).equals(m.left)
          && state.get(cand.opIndex() + 1).equals(m.right)) {
        matches.add(cand);
        swaps.add(false);
      }
    }
    if (op == '+' || op == '*') {
      for (Expr.Reduction cand : candidates) {
        if (cand.left() == b && cand.op() == op && cand.right() == a
            && state.get(cand.opIndex() - 1).equals(m.right)
            && state.get(cand.opIndex() + 1).equals(m.left)) {
          matches.add(cand);
          swaps.add(true);
        }
      }
    }
    Expr.Reduction match = matches.isEmpty() ? null : matches.getFirst();
    boolean swapped = !matches.isEmpty() && swaps.getFirst();
    for (int k = 0; k < matches.size(); k++) {
      if (rewriteMatches(matches.get(k), rest)) {
        match = matches.get(k);
        swapped = swaps.get(k);
        break;
      }
    }
    String current = Expr.join(state);
    if (match == null) {
      return new Result(
          StepCheck.Verdict.WRONG_OPERATION, arithmeticOk, false, false, expected,
          "'" + m.left + op + m.right + "' is not an operation '" + current
              + "' can reduce next (expected '" + expected + "')", next);
    }
    if (!arithmeticOk) {
      return new Result(
          StepCheck.Verdict.ARITHMETIC_ERROR, false, false, false, expected,
          a + String.valueOf(op) + b + " is " + trueValue + ", not " + c, next);
    }
    if (!workOk) {
      return new Result(
          StepCheck.Verdict.ARITHMETIC_ERROR, false, false, false, expected,
          work.isEmpty()
              ? a + String.valueOf(op) + b + " is written without partial products"
              : "the partial products of " + a + String.valueOf(op) + b + " are '" + work + "', not '" + m.work + "'",
          next);
    }
    String reduced = Expr.join(match.after());
    if (!rewriteMatches(match, rest)) {
      return new Result(
          StepCheck.Verdict.REWRITE_ERROR, true, false, false, expected,
          rest == null
              ? "missing ';" + reduced + "' after the result"
              : "remaining expression should be '" + reduced + "', got '" + rest + "'", next);
    }
    boolean canonical = line.equals(expected);
    return new Result(
        StepCheck.Verdict.VALID, true, true, canonical, expected,
        canonical ? "ok" : swapped ? "ok (valid, operands swapped)" : "ok (valid, not the canonical order)",
        match.after());
  }

  private static boolean rewriteMatches(Expr.Reduction r, @Nullable String rest) {
    String reduced = Expr.join(r.after());
    return r.after().size() == 1 ? rest == null || rest.equals(reduced) : rest != null && rest.equals(reduced);
  }

  private static @Nullable List<String> writtenState(@Nullable String rest, long c) {
    if (rest == null) {
      return List.of(Long.toString(c));
    }
    try {
      Expr.parse(rest);
      // a written rest may keep parentheses around a lone number ('(2531)*30+36'); the checker
      // goes on from the same expression without them
      List<String> tokens = new ArrayList<>(Expr.tokenize(rest));
      for (int k = 1; k + 1 < tokens.size(); ) {
        if (tokens.get(k - 1).equals("(") && Expr.isNumber(tokens.get(k)) && tokens.get(k + 1).equals(")")) {
          tokens.remove(k + 1);
          tokens.remove(k - 1);
          k = Math.max(1, k - 1);
        } else {
          k++;
        }
      }
      return tokens;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String lineOf(Expr.Reduction r) {
    String work = Step.work(r.left(), r.op(), r.right());
    String head = r.opText() + (work.isEmpty() ? "" : "=" + work) + "=" + r.result();
    return r.after().size() == 1 ? head : head + ArithmeticTask.REST_DELIMITER + Expr.join(r.after());
  }
}

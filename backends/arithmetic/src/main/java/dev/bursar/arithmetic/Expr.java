package dev.bursar.arithmetic;

import java.util.ArrayList;
import java.util.List;

/**
 * Package-private expression machinery shared by the generator, the checkers and the question
 * parser: tokenizing, parsing to a tree, printing with minimal parentheses, and one-operation
 * reductions on the token list.
 */
final class Expr {

  private Expr() {}

  /** Expression tree. */
  sealed interface Node permits Num, Bin {}

  /** A literal. */
  record Num(long value) implements Node {}

  /** A binary operation. */
  record Bin(char op, Node left, Node right) implements Node {}

  /**
   * One legal reduction of a token list.
   *
   * @param opIndex index of the operator token in the original list
   * @param after token list after the reduction (parentheses around a lone number removed)
   */
  record Reduction(int opIndex, long left, char op, long right, long result, List<String> after) {
    String opText() {
      return left + String.valueOf(op) + right;
    }

    /**
     * Whether the result can be written in the compact format: any non-negative value, or a
     * negative one that becomes the leftmost number of what is left and is followed by {@code +},
     * {@code -} or nothing ({@code 9-39+30} gives {@code -30+30}; {@code 5-(2-9)} would give
     * {@code 5--7}, which has no reading).
     */
    boolean writable() {
      if (result >= 0) {
        return true;
      }
      return after.getFirst().equals(Long.toString(result))
          && (after.size() == 1 || after.get(1).equals("+") || after.get(1).equals("-"));
    }
  }

  static boolean isOp(String t) {
    return t.length() == 1 && isOpChar(t.charAt(0));
  }

  static boolean isOpChar(char c) {
    return c == '+' || c == '-' || c == '*';
  }

  /** A literal: digits, with a leading {@code -} for a negative running value. */
  static boolean isNumber(String t) {
    int from = t.startsWith("-") ? 1 : 0;
    if (t.length() == from) {
      return false;
    }
    for (int i = from; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  static int precedence(char op) {
    return op == '*' ? 2 : 1;
  }

  static long apply(char op, long a, long b) {
    return switch (op) {
      case '+' -> Math.addExact(a, b);
      case '-' -> Math.subtractExact(a, b);
      case '*' -> Math.multiplyExact(a, b);
      default -> throw new IllegalArgumentException("unknown operator '" + op + "'");
    };
  }

  /**
   * Splits a compact expression (digits, {@code + - * ( )}, no spaces) into tokens. A {@code -}
   * that starts the expression and is followed by a digit is the sign of a negative number (the
   * running value of a chain that went below zero: {@code -30+30}); anywhere else it is an
   * operator.
   *
   * @throws IllegalArgumentException on any other character or on a number longer than 18 digits
   */
  static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean negative = i == 0 && c == '-' && s.length() > 1 && Character.isDigit(s.charAt(1));
      if ((c >= '0' && c <= '9') || negative) {
        int j = negative ? i + 1 : i;
        while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
          j++;
        }
        if (j - i > (negative ? 19 : 18)) {
          throw new IllegalArgumentException("number too long: " + s.substring(i, j));
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (isOpChar(c) || c == '(' || c == ')') {
        out.add(String.valueOf(c));
        i++;
      } else {
        throw new IllegalArgumentException(
            "unexpected character '" + c + "' at position " + i + " in '" + s + "'");
      }
    }
    return out;
  }

  static String join(List<String> tokens) {
    return String.join("", tokens);
  }

  /**
   * Parses a compact expression with standard precedence ({@code *} over {@code + -}, left
   * associative). No unary minus, except the sign of a leading negative number ({@link
   * #tokenize}).
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  static Node parse(String s) {
    List<String> tokens = tokenize(s);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("empty expression");
    }
    Parser p = new Parser(tokens);
    Node n = p.expr();
    if (p.pos != tokens.size()) {
      String t = tokens.get(p.pos);
      throw new IllegalArgumentException(
          t.equals(")")
              ? "unbalanced parentheses: unexpected ')'"
              : "unexpected '" + t + "' after a complete expression");
    }
    return n;
  }

  private static final class Parser {
    private final List<String> tokens;
    private int pos;

    Parser(List<String> tokens) {
      this.tokens = tokens;
    }

    Node expr() {
      Node left = term();
      while (pos < tokens.size() && (tokens.get(pos).equals("+") || tokens.get(pos).equals("-"))) {
        char op = tokens.get(pos++).charAt(0);
        left = new Bin(op, left, term());
      }
      return left;
    }

    Node term() {
      Node left = factor();
      while (pos < tokens.size() && tokens.get(pos).equals("*")) {
        pos++;
        left = new Bin('*', left, factor());
      }
      return left;
    }

    Node factor() {
      if (pos >= tokens.size()) {
        throw new IllegalArgumentException("expression ends with an operator: an operand is missing");
      }
      String t = tokens.get(pos++);
      if (isNumber(t)) {
        return new Num(Long.parseLong(t));
      }
      if (t.equals("(")) {
        Node inner = expr();
        if (pos >= tokens.size() || !tokens.get(pos).equals(")")) {
          throw new IllegalArgumentException("unbalanced parentheses: missing ')'");
        }
        pos++;
        return inner;
      }
      if (t.equals("-")) {
        throw new IllegalArgumentException("negative numbers (unary minus) are not supported");
      }
      if (t.equals(")")) {
        throw new IllegalArgumentException("empty or misplaced parentheses");
      }
      throw new IllegalArgumentException("operator '" + t + "' is missing an operand");
    }
  }

  static int countOps(Node n) {
    return switch (n) {
      case Num num -> 0;
      case Bin b -> 1 + countOps(b.left()) + countOps(b.right());
    };
  }

  static long eval(Node n) {
    return switch (n) {
      case Num num -> num.value();
      case Bin b -> apply(b.op(), eval(b.left()), eval(b.right()));
    };
  }

  /** Prints with the fewest parentheses that keep the value; re-parsing gives the canonical tree. */
  static String print(Node n) {
    StringBuilder sb = new StringBuilder();
    print(n, sb);
    return sb.toString();
  }

  private static void print(Node n, StringBuilder sb) {
    switch (n) {
      case Num num -> sb.append(num.value());
      case Bin b -> {
        int p = precedence(b.op());
        printChild(b.left(), childPrecedence(b.left()) >= p, sb);
        sb.append(b.op());
        int rp = childPrecedence(b.right());
        boolean bare = rp > p || (rp == p && b.op() != '-');
        printChild(b.right(), bare, sb);
      }
    }
  }

  private static int childPrecedence(Node n) {
    return switch (n) {
      case Num num -> 3;
      case Bin b -> precedence(b.op());
    };
  }

  private static void printChild(Node child, boolean bare, StringBuilder sb) {
    if (bare) {
      print(child, sb);
    } else {
      sb.append('(');
      print(child, sb);
      sb.append(')');
    }
  }

  /**
   * Every operation that may be reduced next without changing the value, left to right: one whose
   * two operands are literals and that either
   *
   * <ul>
   *   <li>the tree evaluates directly (respects precedence, left associativity and parentheses), or
   *   <li>is a regrouping by associativity: a {@code *} whose left neighbour is a {@code *} ({@code
   *       2*3*4} may reduce {@code 3*4}), or a {@code +}/{@code -} between two plain numbers (no
   *       {@code *} on either side) whose left neighbour operator is a {@code +} ({@code 9+4-2} may
   *       reduce {@code 4-2}; {@code 9-4+2} may not reduce {@code 4+2}). Such a regrouping is only
   *       offered when its result is not negative.
   * </ul>
   *
   * <p>A direct reduction with a negative result is offered only when the result can be written
   * ({@link Reduction#writable()}).
   */
  static List<Reduction> candidates(List<String> tokens) {
    List<Reduction> out = new ArrayList<>();
    for (int i = 1; i + 1 < tokens.size(); i++) {
      String t = tokens.get(i);
      if (!isOp(t) || !isNumber(tokens.get(i - 1)) || !isNumber(tokens.get(i + 1))) {
        continue;
      }
      char op = t.charAt(0);
      int p = precedence(op);
      String l = i >= 2 ? tokens.get(i - 2) : "(";
      String r = i + 2 < tokens.size() ? tokens.get(i + 2) : ")";
      boolean leftOk = l.equals("(") || precedence(l.charAt(0)) < p;
      boolean rightOk = r.equals(")") || precedence(r.charAt(0)) <= p;
      boolean direct = leftOk && rightOk;
      // associativity: a*b*c -> a*(b*c); a+b+c -> a+(b+c); a+b-c -> a+(b-c) (left sign must be +)
      boolean regroup =
          !direct
              && rightOk
              && (op == '*' ? l.equals("*") : l.equals("+"));
      if (direct || regroup) {
        try {
          Reduction red = reduce(tokens, i);
          if (direct ? red.writable() : red.result() >= 0) {
            out.add(red);
          }
        } catch (ArithmeticException overflow) {
          // not representable: cannot be a valid step
        }
      }
    }
    return out;
  }

  static Reduction reduce(List<String> tokens, int opIndex) {
    long a = Long.parseLong(tokens.get(opIndex - 1));
    long b = Long.parseLong(tokens.get(opIndex + 1));
    char op = tokens.get(opIndex).charAt(0);
    long c = apply(op, a, b);
    List<String> after = new ArrayList<>(tokens.subList(0, opIndex - 1));
    after.add(Long.toString(c));
    after.addAll(tokens.subList(opIndex + 2, tokens.size()));
    int k = opIndex - 1;
    if (k >= 1 && k + 1 < after.size() && after.get(k - 1).equals("(") && after.get(k + 1).equals(")")) {
      after.remove(k + 1);
      after.remove(k - 1);
    }
    return new Reduction(opIndex, a, op, b, c, List.copyOf(after));
  }

  /**
   * The canonical next reduction: in the parenthesised group closed by the first {@code ')'} (or
   * the whole list if none), the leftmost {@code *}, else the leftmost {@code +}/{@code -}.
   *
   * @throws IllegalStateException if the list is a single number
   */
  static Reduction canonical(List<String> tokens) {
    int close = tokens.indexOf(")");
    int open = -1;
    int end = tokens.size();
    if (close >= 0) {
      end = close;
      open = tokens.subList(0, close).lastIndexOf("(");
    }
    int pick = -1;
    for (int i = open + 1; i < end; i++) {
      if (tokens.get(i).equals("*")) {
        pick = i;
        break;
      }
    }
    if (pick < 0) {
      for (int i = open + 1; i < end; i++) {
        if (isOp(tokens.get(i))) {
          pick = i;
          break;
        }
      }
    }
    if (pick < 0) {
      throw new IllegalStateException("nothing to reduce in '" + join(tokens) + "'");
    }
    return reduce(tokens, pick);
  }
}

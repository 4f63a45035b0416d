package dev.bursar.pot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small, safe interpreter for the subset of Python that program-of-thought answers use: a
 * straight-line or looping script that leaves its result in a variable ({@code ans}).
 *
 * <p>Supported: int (arbitrary precision), float, bool, str and None values; list and tuple
 * literals, indexing and unpacking; the operators {@code + - * / // % **}, unary {@code - +},
 * comparisons (chained, {@code in}), {@code and or not} and conditional expressions; assignment,
 * augmented assignment, {@code if/elif/else}, {@code while}, {@code for} over {@code range} or a
 * list, {@code break}, {@code continue}, {@code pass}; the builtins {@code print} (output is
 * discarded), {@code len sum int float round abs min max range str bool}. The semantics follow
 * CPython (floor division and modulo of negative numbers and floats, banker's rounding, true
 * division of ints, int to float overflow).
 *
 * <p>Anything else — imports, attribute access ({@code random.randint}), function definitions,
 * {@code input()}, slicing, f-strings — makes the run fail, as do Python's runtime errors (an
 * unbound name, division by zero, a type error) and syntax errors anywhere in the text. A run is
 * cut off after {@value #STEP_LIMIT} steps (statements and loop tests), which stands in for the
 * time limit under which the programs were executed, and ints are limited to {@value #INT_BITS}
 * bits. A failed run gives no answer: the interpreter never guesses.
 */
final class MiniPython {
  /** Statements and loop tests a run may execute before it counts as timed out. */
  public static final int STEP_LIMIT = 5_000_000;

  /** The largest int (in bits) a run may create. */
  public static final int INT_BITS = 16_384;

  private MiniPython() {}

  /**
   * Runs {@code source} and returns {@code float(variable)} formatted as Python's {@code repr}
   * does (e.g. {@code "18.0"}), or empty when the program does not parse, fails, runs out of
   * steps, uses something unsupported, or leaves no number in the variable.
   */
  public static Optional<String> run(String source, String variable) {
    try {
      List<Stmt> program = new Parser(new Lexer(source).lex()).file();
      Interpreter in = new Interpreter();
      in.block(program);
      Object v = in.globals.get(variable);
      if (v == null) return Optional.empty();
      return Optional.of(floatRepr(toFloat(v)));
    } catch (Fail | StackOverflowError e) {
      return Optional.empty();
    }
  }

  /** {@return {@code v} as Python's {@code repr(float)} writes it: 18.0, 0.1, 1e+16, 2.5e-05} */
  public static String floatRepr(double v) {
    if (Double.isNaN(v)) return "nan";
    if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
    String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
    if (v == 0) return sign + "0.0";
    // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does.
    String s = Double.toString(Math.abs(v));
    int exp = 0;
    int e = s.indexOf('E');
    if (e >= 0) {
      exp = Integer.parseInt(s.substring(e + 1));
      s = s.substring(0, e);
    }
    int dot = s.indexOf('.');
    String digits = s.substring(0, dot) + s.substring(dot + 1);
    int decpt = dot + exp; // value = 0.<digits> * 10^decpt
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') lead++;
    digits = digits.substring(lead);
    decpt -= lead;
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') end--;
    digits = digits.substring(0, end);
    StringBuilder out = new StringBuilder(sign);
    if (decpt <= -4 || decpt > 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
      int x = decpt - 1;
      out.append('e').append(x < 0 ? '-' : '+');
      if (Math.abs(x) < 10) out.append('0');
      out.append(Math.abs(x));
    } else if (decpt <= 0) {
      out.append("0.").append("0".repeat(-decpt)).append(digits);
    } else if (decpt >= digits.length()) {
      out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
    } else {
      out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
    }
    return out.toString();
  }

  // ---------------------------------------------------------------------------------- failures

  /** Any reason a run gives no answer: a syntax error, a runtime error, a timeout, unsupported. */
  static final class Fail extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fail(String message) {
      super(message, null, false, false);
    }
  }

  // ------------------------------------------------------------------------------------- lexer

  enum Kind {
    NAME,
    NUMBER,
    STRING,
    OP,
    NEWLINE,
    INDENT,
    DEDENT,
    EOF
  }

  record Tok(Kind kind, String text, @Nullable Object value) {}

  private static final String[] OPS = {
    "**=", "//=", ">>=", "<<=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=",
    "&=", "|=", "^=", "->", ":=", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "=", "(", ")",
    "[", "]", "{", "}", ",", ":", ".", ";", "@", "&", "|", "^", "~"
  };

  static final class Lexer {
    private final String src;
    private int pos;
    private final List<Tok> out = new ArrayList<>();
    private final List<Integer> indents = new ArrayList<>(List.of(0));
    private int depth;

    Lexer(String src) {
      this.src = src.replace("\r\n", "\n").replace('\r', '\n');
    }

    List<Tok> lex() {
      boolean lineStart = true;
      while (pos < src.length()) {
        if (lineStart && depth == 0) {
          int col = 0;
          int p = pos;
          while (p < src.length() && (src.charAt(p) == ' ' || src.charAt(p) == '\t' || src.charAt(p) == '\f')) {
            col = src.charAt(p) == '\t' ? (col / 8 + 1) * 8 : src.charAt(p) == ' ' ? col + 1 : 0;
            p++;
          }
          pos = p;
          if (p >= src.length()) break;
          char c = src.charAt(p);
          if (c == '\n' || c == '#') { // blank or comment-only line
            while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            pos++;
            continue;
          }
          if (c == '\\' && p + 1 < src.length() && src.charAt(p + 1) == '\n') throw new Fail("syntax");
          indent(col);
          lineStart = false;
        }
        char c = src.charAt(pos);
        if (c == '\n') {
          pos++;
          if (depth == 0) {
            out.add(new Tok(Kind.NEWLINE, "\n", null));
            lineStart = true;
          }
        } else if (c == ' ' || c == '\t' || c == '\f') {
          pos++;
        } else if (c == '#') {
          while (pos < src.length() && src.charAt(pos) != '\n') pos++;
        } else if (c == '\\') {
          if (pos + 1 < src.length() && src.charAt(pos + 1) == '\n') pos += 2;
          else throw new Fail("syntax: stray backslash");
        } else if (Character.isDigit(c) || (c == '.' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1)))) {
          number();
        } else if (c == '"' || c == '\'') {
          string(false);
        } else if (isNameStart(c)) {
          int start = pos;
          while (pos < src.length() && isNamePart(src.charAt(pos))) pos++;
          String name = src.substring(start, pos);
          if (pos < src.length() && (src.charAt(pos) == '"' || src.charAt(pos) == '\'')
              && name.length() <= 2 && name.toLowerCase(java.util.Locale.ROOT).matches("[rbuf]|rb|br|fr|rf")) {
            String p = name.toLowerCase(java.util.Locale.ROOT);
            if (p.contains("f") || p.contains("b")) throw new Fail("unsupported string prefix");
            string(p.contains("r"));
          } else {
            out.add(new Tok(Kind.NAME, name, null));
          }
        } else {
          String op = null;
          for (String o : OPS) {
            if (src.startsWith(o, pos)) {
              op = o;
              break;
            }
          }
          if (op == null) throw new Fail("syntax: unexpected character");
          pos += op.length();
          if (op.equals("(") || op.equals("[") || op.equals("{")) depth++;
          if (op.equals(")") || op.equals("]") || op.equals("}")) {
            if (depth == 0) throw new Fail("syntax: unbalanced");
            depth--;
          }
          out.add(new Tok(Kind.OP, op, null));
        }
      }
      if (depth != 0) throw new Fail("syntax: unclosed bracket");
      if (!out.isEmpty() && out.getLast().kind() != Kind.NEWLINE && out.getLast().kind() != Kind.DEDENT) {
        out.add(new Tok(Kind.NEWLINE, "\n", null));
      }
      while (indents.size() > 1) {
        indents.removeLast();
        out.add(new Tok(Kind.DEDENT, "", null));
      }
      out.add(new Tok(Kind.EOF, "", null));
      return out;
    }

    private void indent(int col) {
      int top = indents.getLast();
      if (col > top) {
        indents.add(col);
        out.add(new Tok(Kind.INDENT, "", null));
      } else {
        while (col < indents.getLast()) {
          indents.removeLast();
          out.add(new Tok(Kind.DEDENT, "", null));
        }
        if (col != indents.getLast()) throw new Fail("syntax: inconsistent dedent");
      }
    }

    private static boolean isNameStart(char c) {
      return c == '_' || Character.isLetter(c);
    }

    private static boolean isNamePart(char c) {
      return c == '_' || Character.isLetterOrDigit(c);
    }

    private void number() {
      int start = pos;
      if (src.startsWith("0x", pos) || src.startsWith("0X", pos) || src.startsWith("0o", pos)
          || src.startsWith("0O", pos) || src.startsWith("0b", pos) || src.startsWith("0B", pos)) {
        char b = Character.toLowerCase(src.charAt(pos + 1));
        int radix = b == 'x' ? 16 : b == 'o' ? 8 : 2;
        pos += 2;
        int ds = pos;
        while (pos < src.length() && (Character.digit(src.charAt(pos), radix) >= 0 || src.charAt(pos) == '_')) pos++;
        String d = src.substring(ds, pos).replace("_", "");
        if (d.isEmpty()) throw new Fail("syntax: bad literal");
        endOfNumber();
        out.add(new Tok(Kind.NUMBER, src.substring(start, pos), new BigInteger(d, radix)));
        return;
      }
      boolean isFloat = false;
      digits();
      if (pos < src.length() && src.charAt(pos) == '.') {
        isFloat = true;
        pos++;
        digits();
      }
      if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
        int save = pos;
        pos++;
        if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
        if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
          digits();
          isFloat = true;
        } else {
          pos = save;
        }
      }
      endOfNumber();
      String text = src.substring(start, pos);
      String clean = text.replace("_", "");
      if (isFloat) {
        out.add(new Tok(Kind.NUMBER, text, Double.parseDouble(clean)));
      } else {
        if (clean.length() > 1 && clean.charAt(0) == '0' && !clean.matches("0+")) {
          throw new Fail("syntax: leading zeros in decimal integer literal");
        }
        out.add(new Tok(Kind.NUMBER, text, new BigInteger(clean)));
      }
    }

    private void digits() {
      while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
    }

    private void endOfNumber() {
      if (pos < src.length() && (isNamePart(src.charAt(pos)) || src.charAt(pos) == '.')) {
        // 1j (complex), 12abc, 1.2.3: not a number we support (most are syntax errors anyway)
        throw new Fail("syntax: bad number literal");
      }
    }

    private void string(boolean raw) {
      char q = src.charAt(pos);
      boolean triple = src.startsWith(String.valueOf(q).repeat(3), pos);
      pos += triple ? 3 : 1;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= src.length()) throw new Fail("syntax: unterminated string");
        char c = src.charAt(pos);
        if (triple ? src.startsWith(String.valueOf(q).repeat(3), pos) : c == q) {
          pos += triple ? 3 : 1;
          break;
        }
        if (c == '\n' && !triple) throw new Fail("syntax: unterminated string");
        if (c == '\\' && pos + 1 < src.length()) {
          char n = src.charAt(pos + 1);
          pos += 2;
          if (raw) {
            sb.append('\\').append(n);
            continue;
          }
          switch (n) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case '\\' -> sb.append('\\');
            case '\'' -> sb.append('\'');
            case '"' -> sb.append('"');
            case '\n' -> {}
            default -> sb.append('\\').append(n);
          }
          continue;
        }
        sb.append(c);
        pos++;
      }
      out.add(new Tok(Kind.STRING, "", sb.toString()));
    }
  }

  // -------------------------------------------------------------------------------------- AST

  sealed interface Expr {}

  record Const(Object value) implements Expr {}

  record Name(String id) implements Expr {}

  record Bin(String op, Expr left, Expr right) implements Expr {}

  record Unary(String op, Expr operand) implements Expr {}

  record Bool(boolean isAnd, Expr left, Expr right) implements Expr {}

  record Not(Expr operand) implements Expr {}

  record Compare(List<Expr> operands, List<String> ops) implements Expr {}

  record IfExp(Expr test, Expr body, Expr orElse) implements Expr {}

  record Call(String func, List<Expr> args) implements Expr {}

  record Index(Expr target, Expr index) implements Expr {}

  record Seq(List<Expr> items, boolean tuple) implements Expr {}

  sealed interface Stmt {}

  record Assign(List<Expr> targets, Expr value) implements Stmt {}

  record AugAssign(Expr target, String op, Expr value) implements Stmt {}

  record ExprStmt(Expr value) implements Stmt {}

  record If(List<Expr> tests, List<List<Stmt>> bodies, List<Stmt> orElse) implements Stmt {}

  record While(Expr test, List<Stmt> body) implements Stmt {}

  record For(Expr target, Expr iter, List<Stmt> body) implements Stmt {}

  enum Jump implements Stmt {
    BREAK,
    CONTINUE,
    PASS
  }

  private static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  // ------------------------------------------------------------------------------------ parser

  private static final Set<String> KEYWORDS = Set.of(
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
      "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
      "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
      "while", "with", "yield");

  private static final Set<String> AUG_OPS =
      Set.of("+=", "-=", "*=", "/=", "//=", "%=", "**=");

  static final class Parser {
    private final List<Tok> toks;
    private int i;

    Parser(List<Tok> toks) {
      this.toks = toks;
    }

    private Tok peek() {
      return toks.get(i);
    }

    private boolean isOp(String op) {
      Tok t = peek();
      return t.kind() == Kind.OP && t.text().equals(op);
    }

    private boolean isName(String name) {
      Tok t = peek();
      return t.kind() == Kind.NAME && t.text().equals(name);
    }

    private void expectOp(String op) {
      if (!isOp(op)) throw new Fail("syntax: expected " + op);
      i++;
    }

    private void expect(Kind kind) {
      if (peek().kind() != kind) throw new Fail("syntax: expected " + kind);
      i++;
    }

    List<Stmt> file() {
      List<Stmt> body = new ArrayList<>();
      while (peek().kind() != Kind.EOF) {
        if (peek().kind() == Kind.NEWLINE) {
          i++;
          continue;
        }
        statement(body);
      }
      return body;
    }

    private void statement(List<Stmt> out) {
      Tok t = peek();
      if (t.kind() == Kind.INDENT) throw new Fail("syntax: unexpected indent");
      if (t.kind() == Kind.NAME) {
        switch (t.text()) {
          case "if" -> {
            out.add(ifStmt());
            return;
          }
          case "while" -> {
            i++;
            Expr test = test();
            List<Stmt> body = block();
            if (isName("else")) throw new Fail("unsupported: while-else");
            out.add(new While(test, body));
            return;
          }
          case "for" -> {
            i++;
            Expr target = targetList();
            if (!isName("in")) throw new Fail("syntax: expected in");
            i++;
            Expr iter = testList();
            List<Stmt> body = block();
            if (isName("else")) throw new Fail("unsupported: for-else");
            out.add(new For(target, iter, body));
            return;
          }
          default -> {}
        }
      }
      simpleStatements(out);
    }

    private Stmt ifStmt() {
      List<Expr> tests = new ArrayList<>();
      List<List<Stmt>> bodies = new ArrayList<>();
      i++; // if
      tests.add(test());
      bodies.add(block());
      List<Stmt> orElse = List.of();
      while (true) {
        if (isName("elif")) {
          i++;
          tests.add(test());
          bodies.add(block());
        } else if (isName("else")) {
          i++;
          orElse = block();
          break;
        } else {
          break;
        }
      }
      return new If(tests, bodies, orElse);
    }

    private List<Stmt> block() {
      expectOp(":");
      List<Stmt> body = new ArrayList<>();
      if (peek().kind() == Kind.NEWLINE) {
        i++;
        expect(Kind.INDENT);
        while (peek().kind() != Kind.DEDENT && peek().kind() != Kind.EOF) statement(body);
        expect(Kind.DEDENT);
      } else {
        simpleStatements(body);
      }
      return body;
    }

    private void simpleStatements(List<Stmt> out) {
      out.add(small());
      while (isOp(";")) {
        i++;
        if (peek().kind() == Kind.NEWLINE) break;
        out.add(small());
      }
      expect(Kind.NEWLINE);
    }

    private Stmt small() {
      Tok t = peek();
      if (t.kind() == Kind.NAME) {
        switch (t.text()) {
          case "pass" -> {
            i++;
            return Jump.PASS;
          }
          case "break" -> {
            i++;
            return Jump.BREAK;
          }
          case "continue" -> {
            i++;
            return Jump.CONTINUE;
          }
          default -> {
            if (KEYWORDS.contains(t.text()) && !Set.of("not", "True", "False", "None", "lambda").contains(t.text())) {
              throw new Fail("unsupported statement: " + t.text());
            }
          }
        }
      }
      Expr first = testList();
      if (isOp("=")) {
        List<Expr> targets = new ArrayList<>();
        Expr value = first;
        while (isOp("=")) {
          i++;
          checkTarget(value);
          targets.add(value);
          value = testList();
        }
        return new Assign(targets, value);
      }
      if (peek().kind() == Kind.OP && AUG_OPS.contains(peek().text())) {
        String op = peek().text();
        i++;
        if (!(first instanceof Name) && !(first instanceof Index)) throw new Fail("syntax: bad target");
        return new AugAssign(first, op.substring(0, op.length() - 1), testList());
      }
      if (peek().kind() == Kind.OP && !isOp(";")) throw new Fail("syntax: unexpected " + peek().text());
      return new ExprStmt(first);
    }

    private static void checkTarget(Expr e) {
      switch (e) {
        case Name n -> {}
        case Index x -> {}
        case Seq s -> {
          for (Expr item : s.items()) checkTarget(item);
        }
        default -> throw new Fail("syntax: cannot assign");
      }
    }

    private Expr targetList() {
      List<Expr> items = new ArrayList<>();
      items.add(arith()); // not a comparison: "i in range(3)" must stop before "in"
      boolean tuple = false;
      while (isOp(",")) {
        tuple = true;
        i++;
        if (isName("in")) break;
        items.add(arith());
      }
      Expr target = tuple ? new Seq(items, true) : items.getFirst();
      checkTarget(target);
      return target;
    }

    private Expr testList() {
      Expr first = test();
      if (!isOp(",")) return first;
      List<Expr> items = new ArrayList<>();
      items.add(first);
      while (isOp(",")) {
        i++;
        if (startsExpr()) items.add(test());
        else break;
      }
      return new Seq(items, true);
    }

    private boolean startsExpr() {
      Tok t = peek();
      return switch (t.kind()) {
        case NAME -> !KEYWORDS.contains(t.text()) || Set.of("not", "True", "False", "None", "lambda").contains(t.text());
        case NUMBER, STRING -> true;
        case OP -> Set.of("(", "[", "{", "-", "+", "~").contains(t.text());
        default -> false;
      };
    }

    private Expr test() {
      if (isName("lambda")) throw new Fail("unsupported: lambda");
      Expr body = orExpr();
      if (isName("if")) {
        i++;
        Expr cond = orExpr();
        if (!isName("else")) throw new Fail("syntax: expected else");
        i++;
        Expr orElse = test();
        return new IfExp(cond, body, orElse);
      }
      return body;
    }

    private Expr orExpr() {
      Expr e = andExpr();
      while (isName("or")) {
        i++;
        e = new Bool(false, e, andExpr());
      }
      return e;
    }

    private Expr andExpr() {
      Expr e = notExpr();
      while (isName("and")) {
        i++;
        e = new Bool(true, e, notExpr());
      }
      return e;
    }

    private Expr notExpr() {
      if (isName("not")) {
        i++;
        return new Not(notExpr());
      }
      return comparison();
    }

    private Expr comparison() {
      Expr first = arith();
      List<Expr> operands = null;
      List<String> ops = null;
      while (true) {
        String op = null;
        if (peek().kind() == Kind.OP && Set.of("<", ">", "==", "!=", "<=", ">=").contains(peek().text())) {
          op = peek().text();
          i++;
        } else if (isName("in")) {
          op = "in";
          i++;
        } else if (isName("not") && toks.get(i + 1).kind() == Kind.NAME && toks.get(i + 1).text().equals("in")) {
          op = "not in";
          i += 2;
        } else if (isName("is")) {
          throw new Fail("unsupported: is");
        }
        if (op == null) break;
        if (operands == null) {
          operands = new ArrayList<>();
          ops = new ArrayList<>();
          operands.add(first);
        }
        ops.add(op);
        operands.add(arith());
      }
      return operands == null ? first : new Compare(operands, ops);
    }

    private Expr arith() {
      if (peek().kind() == Kind.OP && Set.of("|", "^", "&", "<<", ">>").contains(peek().text())) {
        throw new Fail("unsupported: bitwise");
      }
      Expr e = term();
      while (isOp("+") || isOp("-")) {
        String op = peek().text();
        i++;
        e = new Bin(op, e, term());
      }
      if (peek().kind() == Kind.OP && Set.of("|", "^", "&", "<<", ">>").contains(peek().text())) {
        throw new Fail("unsupported: bitwise");
      }
      return e;
    }

    private Expr term() {
      Expr e = factor();
      while (isOp("*") || isOp("/") || isOp("//") || isOp("%") || isOp("@")) {
        String op = peek().text();
        if (op.equals("@")) throw new Fail("unsupported: @");
        i++;
        e = new Bin(op, e, factor());
      }
      return e;
    }

    private Expr factor() {
      if (isOp("-") || isOp("+")) {
        String op = peek().text();
        i++;
        return new Unary(op, factor());
      }
      if (isOp("~")) throw new Fail("unsupported: ~");
      return power();
    }

    private Expr power() {
      Expr base = postfix();
      if (isOp("**")) {
        i++;
        return new Bin("**", base, factor());
      }
      return base;
    }

    private Expr postfix() {
      Expr e = atom();
      while (true) {
        if (isOp("(")) {
          if (!(e instanceof Name n)) throw new Fail("unsupported: call of an expression");
          i++;
          List<Expr> args = new ArrayList<>();
          while (!isOp(")")) {
            if (isOp("*") || isOp("**")) throw new Fail("unsupported: star arguments");
            Expr arg = test();
            if (isOp("=")) throw new Fail("unsupported: keyword arguments");
            if (isName("for")) throw new Fail("unsupported: generator expression");
            args.add(arg);
            if (!isOp(",")) break;
            i++;
          }
          expectOp(")");
          e = new Call(n.id(), args);
        } else if (isOp("[")) {
          i++;
          if (isOp(":")) throw new Fail("unsupported: slice");
          Expr index = testList();
          if (isOp(":")) throw new Fail("unsupported: slice");
          expectOp("]");
          e = new Index(e, index);
        } else if (isOp(".")) {
          throw new Fail("unsupported: attribute access");
        } else {
          return e;
        }
      }
    }

    private Expr atom() {
      Tok t = peek();
      switch (t.kind()) {
        case NUMBER -> {
          i++;
          return new Const(java.util.Objects.requireNonNull(t.value()));
        }
        case STRING -> {
          StringBuilder sb = new StringBuilder();
          while (peek().kind() == Kind.STRING) sb.append((String) java.util.Objects.requireNonNull(toks.get(i++).value()));
          return new Const(sb.toString());
        }
        case NAME -> {
          i++;
          return switch (t.text()) {
            case "True" -> new Const(Boolean.TRUE);
            case "False" -> new Const(Boolean.FALSE);
            case "None" -> new Const(NONE);
            default -> {
              if (KEYWORDS.contains(t.text())) throw new Fail("syntax: unexpected " + t.text());
              yield new Name(t.text());
            }
          };
        }
        case OP -> {
          switch (t.text()) {
            case "(" -> {
              i++;
              if (isOp(")")) {
                i++;
                return new Seq(List.of(), true);
              }
              Expr first = test();
              if (isName("for")) throw new Fail("unsupported: generator expression");
              if (isOp(")")) {
                i++;
                return first;
              }
              List<Expr> items = new ArrayList<>();
              items.add(first);
              while (isOp(",")) {
                i++;
                if (isOp(")")) break;
                items.add(test());
              }
              expectOp(")");
              return new Seq(items, true);
            }
            case "[" -> {
              i++;
              List<Expr> items = new ArrayList<>();
              while (!isOp("]")) {
                items.add(test());
                if (isName("for")) throw new Fail("unsupported: list comprehension");
                if (!isOp(",")) break;
                i++;
              }
              expectOp("]");
              return new Seq(items, false);
            }
            case "{" -> throw new Fail("unsupported: dict or set");
            default -> throw new Fail("syntax: unexpected " + t.text());
          }
        }
        default -> throw new Fail("syntax: unexpected " + t.kind());
      }
    }
  }

  // ------------------------------------------------------------------------------- interpreter

  /** A Python list or tuple. */
  static final class PyList {
    final List<Object> items;
    final boolean tuple;

    PyList(List<Object> items, boolean tuple) {
      this.items = items;
      this.tuple = tuple;
    }
  }

  /** A Python range, iterated lazily. */
  record PyRange(BigInteger start, BigInteger stop, BigInteger step) {
    BigInteger length() {
      BigInteger span = step.signum() > 0 ? stop.subtract(start) : start.subtract(stop);
      if (span.signum() <= 0) return BigInteger.ZERO;
      BigInteger s = step.abs();
      return span.add(s).subtract(BigInteger.ONE).divide(s);
    }
  }

  private enum Flow {
    NORMAL,
    BREAK,
    CONTINUE
  }

  static final class Interpreter {
    final Map<String, Object> globals = new HashMap<>();
    private int steps;

    private void step() {
      if (++steps > STEP_LIMIT) throw new Fail("timeout");
    }

    Flow block(List<Stmt> body) {
      for (Stmt s : body) {
        Flow f = exec(s);
        if (f != Flow.NORMAL) return f;
      }
      return Flow.NORMAL;
    }

    private Flow exec(Stmt s) {
      step();
      switch (s) {
        case Assign a -> {
          Object v = eval(a.value());
          for (Expr t : a.targets()) assign(t, v);
        }
        case AugAssign a -> {
          Object cur = eval(a.target());
          Object v = binary(a.op(), cur, eval(a.value()));
          if (cur instanceof PyList l && !l.tuple && v instanceof PyList nl && a.op().equals("+")) {
            l.items.clear();
            l.items.addAll(nl.items);
            v = l;
          }
          assign(a.target(), v);
        }
        case ExprStmt e -> eval(e.value());
        case If f -> {
          for (int k = 0; k < f.tests().size(); k++) {
            if (truthy(eval(f.tests().get(k)))) return block(f.bodies().get(k));
          }
          return block(f.orElse());
        }
        case While w -> {
          while (truthy(eval(w.test()))) {
            step();
            if (block(w.body()) == Flow.BREAK) break;
          }
        }
        case For f -> {
          Object it = eval(f.iter());
          if (it instanceof PyRange r) {
            BigInteger n = r.length();
            BigInteger x = r.start();
            for (BigInteger k = BigInteger.ZERO; k.compareTo(n) < 0; k = k.add(BigInteger.ONE)) {
              step();
              assign(f.target(), x);
              if (block(f.body()) == Flow.BREAK) break;
              x = x.add(r.step());
            }
          } else {
            List<Object> items = iterate(it);
            for (int k = 0; k < items.size(); k++) {
              step();
              assign(f.target(), items.get(k));
              if (block(f.body()) == Flow.BREAK) break;
            }
          }
        }
        case Jump j -> {
          return switch (j) {
            case BREAK -> Flow.BREAK;
            case CONTINUE -> Flow.CONTINUE;
            case PASS -> Flow.NORMAL;
          };
        }
      }
      return Flow.NORMAL;
    }

    private void assign(Expr target, Object v) {
      switch (target) {
        case Name n -> globals.put(n.id(), v);
        case Index x -> {
          Object obj = eval(x.target());
          Object idx = eval(x.index());
          if (!(obj instanceof PyList l) || l.tuple) throw new Fail("TypeError: item assignment");
          l.items.set(index(l.items.size(), idx), v);
        }
        case Seq s -> {
          List<Object> items = new ArrayList<>(iterate(v));
          if (items.size() != s.items().size()) throw new Fail("ValueError: unpack");
          for (int k = 0; k < items.size(); k++) assign(s.items().get(k), items.get(k));
        }
        default -> throw new Fail("syntax: cannot assign");
      }
    }

    private static int index(int size, Object idx) {
      BigInteger b = asInt(idx);
      if (b == null) throw new Fail("TypeError: indices must be integers");
      long k = b.longValue();
      if (b.bitLength() > 40) throw new Fail("IndexError");
      if (k < 0) k += size;
      if (k < 0 || k >= size) throw new Fail("IndexError");
      return (int) k;
    }

    private static List<Object> iterate(Object v) {
      if (v instanceof PyList l) return l.items;
      if (v instanceof PyRange r) {
        if (r.length().bitLength() > 24) throw new Fail("too long");
        List<Object> out = new ArrayList<>();
        BigInteger x = r.start();
        for (long k = r.length().longValue(); k > 0; k--) {
          out.add(x);
          x = x.add(r.step());
        }
        return out;
      }
      if (v instanceof String s) {
        List<Object> out = new ArrayList<>();
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
      }
      throw new Fail("TypeError: not iterable");
    }

    Object eval(Expr e) {
      return switch (e) {
        case Const c -> c.value();
        case Name n -> {
          Object v = globals.get(n.id());
          if (v == null) throw new Fail("NameError: " + n.id());
          yield v;
        }
        case Bin b -> binary(b.op(), eval(b.left()), eval(b.right()));
        case Unary u -> {
          Object v = eval(u.operand());
          if (v instanceof Boolean bool) v = bool ? BigInteger.ONE : BigInteger.ZERO;
          if (v instanceof BigInteger x) yield u.op().equals("-") ? x.negate() : x;
          if (v instanceof Double d) yield u.op().equals("-") ? -d : d;
          throw new Fail("TypeError: bad operand for unary " + u.op());
        }
        case Bool b -> {
          Object l = eval(b.left());
          yield truthy(l) == b.isAnd() ? eval(b.right()) : l;
        }
        case Not n -> !truthy(eval(n.operand()));
        case Compare c -> {
          Object left = eval(c.operands().getFirst());
          for (int k = 0; k < c.ops().size(); k++) {
            Object right = eval(c.operands().get(k + 1));
            if (!compare(c.ops().get(k), left, right)) yield Boolean.FALSE;
            left = right;
          }
          yield Boolean.TRUE;
        }
        case IfExp x -> truthy(eval(x.test())) ? eval(x.body()) : eval(x.orElse());
        case Call c -> call(c);
        case Index x -> {
          Object obj = eval(x.target());
          Object idx = eval(x.index());
          if (obj instanceof PyList l) yield l.items.get(index(l.items.size(), idx));
          if (obj instanceof String s) {
            int k = index(s.length(), idx);
            yield s.substring(k, k + 1);
          }
          if (obj instanceof PyRange r) {
            int k = index(r.length().intValueExact(), idx);
            yield r.start().add(r.step().multiply(BigInteger.valueOf(k)));
          }
          throw new Fail("TypeError: not subscriptable");
        }
        case Seq s -> {
          List<Object> items = new ArrayList<>(s.items().size());
          for (Expr item : s.items()) items.add(eval(item));
          yield new PyList(items, s.tuple());
        }
      };
    }

    private Object call(Call c) {
      if (globals.containsKey(c.func())) throw new Fail("TypeError: not callable");
      List<Object> args = new ArrayList<>(c.args().size());
      for (Expr a : c.args()) args.add(eval(a));
      int n = args.size();
      switch (c.func()) {
        case "print" -> {
          return NONE;
        }
        case "len" -> {
          arity(n, 1, 1);
          Object v = args.getFirst();
          if (v instanceof PyList l) return BigInteger.valueOf(l.items.size());
          if (v instanceof String s) return BigInteger.valueOf(s.codePointCount(0, s.length()));
          if (v instanceof PyRange r) return r.length();
          throw new Fail("TypeError: no len()");
        }
        case "sum" -> {
          arity(n, 1, 2);
          Object acc = n == 2 ? args.get(1) : BigInteger.ZERO;
          if (acc instanceof String) throw new Fail("TypeError: sum of strings");
          for (Object x : iterate(args.getFirst())) acc = binary("+", acc, x);
          return acc;
        }
        case "int" -> {
          arity(n, 0, 1);
          if (n == 0) return BigInteger.ZERO;
          return toInt(args.getFirst());
        }
        case "float" -> {
          arity(n, 0, 1);
          if (n == 0) return 0.0;
          return toFloat(args.getFirst());
        }
        case "bool" -> {
          arity(n, 0, 1);
          return n == 1 && truthy(args.getFirst());
        }
        case "str" -> {
          arity(n, 0, 1);
          return n == 0 ? "" : str(args.getFirst());
        }
        case "abs" -> {
          arity(n, 1, 1);
          Object v = args.getFirst();
          if (v instanceof Boolean b) return b ? BigInteger.ONE : BigInteger.ZERO;
          if (v instanceof BigInteger x) return x.abs();
          if (v instanceof Double d) return Math.abs(d);
          throw new Fail("TypeError: bad operand for abs()");
        }
        case "round" -> {
          arity(n, 1, 2);
          return round(args.getFirst(), n == 2 ? args.get(1) : NONE);
        }
        case "min", "max" -> {
          if (n == 0) throw new Fail("TypeError: expected an argument");
          List<Object> items = n == 1 ? iterate(args.getFirst()) : args;
          if (items.isEmpty()) throw new Fail("ValueError: empty sequence");
          Object best = items.getFirst();
          for (Object x : items) {
            if (c.func().equals("min") ? compare("<", x, best) : compare(">", x, best)) best = x;
          }
          return best;
        }
        case "range" -> {
          arity(n, 1, 3);
          BigInteger[] a = new BigInteger[n];
          for (int k = 0; k < n; k++) {
            a[k] = asInt(args.get(k));
            if (a[k] == null) throw new Fail("TypeError: range() needs integers");
          }
          if (n == 1) return new PyRange(BigInteger.ZERO, a[0], BigInteger.ONE);
          BigInteger step = n == 3 ? a[2] : BigInteger.ONE;
          if (step.signum() == 0) throw new Fail("ValueError: range() step must not be zero");
          return new PyRange(a[0], a[1], step);
        }
        default -> throw new Fail("NameError or unsupported function: " + c.func());
      }
    }

    private static void arity(int n, int min, int max) {
      if (n < min || n > max) throw new Fail("TypeError: wrong number of arguments");
    }
  }

  // ------------------------------------------------------------------------------ value helpers

  private static @Nullable BigInteger asInt(Object v) {
    if (v instanceof BigInteger x) return x;
    if (v instanceof Boolean b) return b ? BigInteger.ONE : BigInteger.ZERO;
    return null;
  }

  private static boolean isNumber(Object v) {
    return v instanceof BigInteger || v instanceof Double || v instanceof Boolean;
  }

  static boolean truthy(Object v) {
    if (v instanceof Boolean b) return b;
    if (v instanceof BigInteger x) return x.signum() != 0;
    if (v instanceof Double d) return d != 0.0;
    if (v instanceof String s) return !s.isEmpty();
    if (v instanceof PyList l) return !l.items.isEmpty();
    if (v instanceof PyRange r) return r.length().signum() > 0;
    return v != NONE;
  }

  private static BigInteger checked(BigInteger x) {
    if (x.bitLength() > INT_BITS) throw new Fail("int too large");
    return x;
  }

  /** Python's int to float conversion (correctly rounded; OverflowError past the double range). */
  private static double intToFloat(BigInteger x) {
    double d = x.doubleValue();
    if (Double.isInfinite(d)) throw new Fail("OverflowError: int too large to convert to float");
    return d;
  }

  static double toFloat(Object v) {
    if (v instanceof Double d) return d;
    if (v instanceof BigInteger x) return intToFloat(x);
    if (v instanceof Boolean b) return b ? 1.0 : 0.0;
    if (v instanceof String s) {
      String t = s.strip().replace("_", "");
      String lower = t.toLowerCase(java.util.Locale.ROOT);
      if (lower.matches("[-+]?(inf|infinity)")) return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      if (lower.matches("[-+]?nan")) return Double.NaN;
      if (t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) return Double.parseDouble(t);
      throw new Fail("ValueError: could not convert string to float");
    }
    throw new Fail("TypeError: float() argument must be a string or a number");
  }

  private static BigInteger toInt(Object v) {
    if (v instanceof BigInteger x) return x;
    if (v instanceof Boolean b) return b ? BigInteger.ONE : BigInteger.ZERO;
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) throw new Fail("ValueError: cannot convert float");
      return checked(new BigDecimal(d).toBigInteger());
    }
    if (v instanceof String s) {
      String t = s.strip().replace("_", "");
      if (t.matches("[-+]?\\d+")) return checked(new BigInteger(t));
      throw new Fail("ValueError: invalid literal for int()");
    }
    throw new Fail("TypeError: int() argument");
  }

  private static String str(Object v) {
    if (v instanceof String s) return s;
    if (v instanceof Double d) return floatRepr(d);
    if (v instanceof Boolean b) return b ? "True" : "False";
    if (v instanceof BigInteger x) return x.toString();
    if (v == NONE) return "None";
    throw new Fail("unsupported: str() of a container");
  }

  private static Object round(Object v, Object ndigits) {
    if (v instanceof Boolean b) v = b ? BigInteger.ONE : BigInteger.ZERO;
    if (ndigits == NONE) {
      if (v instanceof BigInteger) return v;
      if (v instanceof Double d) {
        if (d.isNaN() || d.isInfinite()) throw new Fail("ValueError/OverflowError: round");
        return checked(new BigDecimal(d).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact());
      }
      throw new Fail("TypeError: round");
    }
    BigInteger nd = asInt(ndigits);
    if (nd == null) throw new Fail("TypeError: round() ndigits must be an integer");
    if (nd.bitLength() > 16) throw new Fail("unsupported: round() ndigits too large");
    int k = nd.intValue();
    if (v instanceof BigInteger x) {
      if (k >= 0) return x;
      return checked(new BigDecimal(x).setScale(k, RoundingMode.HALF_EVEN).toBigInteger());
    }
    if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) return d;
      if (d == 0.0) return d;
      double r = new BigDecimal(d).setScale(k, RoundingMode.HALF_EVEN).doubleValue();
      if (r == 0.0 && d < 0) return -0.0;
      if (Double.isInfinite(r)) throw new Fail("OverflowError: round");
      return r;
    }
    throw new Fail("TypeError: round");
  }

  static Object binary(String op, Object a, Object b) {
    if (a instanceof Boolean x) a = x ? BigInteger.ONE : BigInteger.ZERO;
    if (b instanceof Boolean x) b = x ? BigInteger.ONE : BigInteger.ZERO;
    if (a instanceof BigInteger x && b instanceof BigInteger y) return intOp(op, x, y);
    if (isNumber(a) && isNumber(b)) {
      return floatOp(op, toFloat(a), toFloat(b));
    }
    if (a instanceof String s && b instanceof String t && op.equals("+")) return s + t;
    if (a instanceof PyList l && b instanceof PyList m && op.equals("+") && l.tuple == m.tuple) {
      List<Object> items = new ArrayList<>(l.items);
      items.addAll(m.items);
      return new PyList(items, l.tuple);
    }
    if (op.equals("*")) {
      if (b instanceof BigInteger n && (a instanceof String || a instanceof PyList)) return repeat(a, n);
      if (a instanceof BigInteger n && (b instanceof String || b instanceof PyList)) return repeat(b, n);
    }
    throw new Fail("TypeError: unsupported operand types for " + op);
  }

  private static Object repeat(Object seq, BigInteger times) {
    int n = times.signum() <= 0 ? 0 : times.bitLength() > 20 ? -1 : times.intValue();
    if (n < 0) throw new Fail("MemoryError");
    if (seq instanceof String s) {
      if ((long) s.length() * n > 1_000_000) throw new Fail("MemoryError");
      return s.repeat(n);
    }
    PyList l = (PyList) seq;
    if ((long) l.items.size() * n > 1_000_000) throw new Fail("MemoryError");
    List<Object> items = new ArrayList<>();
    for (int k = 0; k < n; k++) items.addAll(l.items);
    return new PyList(items, l.tuple);
  }

  private static Object intOp(String op, BigInteger a, BigInteger b) {
    switch (op) {
      case "+" -> {
        return checked(a.add(b));
      }
      case "-" -> {
        return checked(a.subtract(b));
      }
      case "*" -> {
        if (a.bitLength() + b.bitLength() > INT_BITS + 1) throw new Fail("int too large");
        return checked(a.multiply(b));
      }
      case "/" -> {
        if (b.signum() == 0) throw new Fail("ZeroDivisionError");
        if (a.bitLength() <= 53 && b.bitLength() <= 53) return a.doubleValue() / b.doubleValue();
        double q = new BigDecimal(a).divide(new BigDecimal(b), new MathContext(40, RoundingMode.HALF_EVEN)).doubleValue();
        if (Double.isInfinite(q)) throw new Fail("OverflowError: integer division result too large");
        return q;
      }
      case "//", "%" -> {
        if (b.signum() == 0) throw new Fail("ZeroDivisionError");
        BigInteger[] qr = a.divideAndRemainder(b);
        BigInteger q = qr[0];
        BigInteger r = qr[1];
        if (r.signum() != 0 && r.signum() != b.signum()) {
          q = q.subtract(BigInteger.ONE);
          r = r.add(b);
        }
        return op.equals("//") ? q : r;
      }
      case "**" -> {
        if (b.signum() < 0) {
          if (a.signum() == 0) throw new Fail("ZeroDivisionError");
          return floatOp("**", intToFloat(a), intToFloat(b));
        }
        if (a.signum() == 0 || a.equals(BigInteger.ONE)) return b.signum() == 0 ? BigInteger.ONE : a;
        if (a.equals(BigInteger.ONE.negate())) return b.testBit(0) ? a : BigInteger.ONE;
        if (b.bitLength() > 20 || (long) a.bitLength() * b.longValue() > INT_BITS + 64) throw new Fail("int too large");
        return checked(a.pow(b.intValue()));
      }
      default -> throw new Fail("unsupported operator " + op);
    }
  }

  private static double floatOp(String op, double a, double b) {
    switch (op) {
      case "+" -> {
        return a + b;
      }
      case "-" -> {
        return a - b;
      }
      case "*" -> {
        return a * b;
      }
      case "/" -> {
        if (b == 0.0) throw new Fail("ZeroDivisionError");
        return a / b;
      }
      case "//", "%" -> {
        if (b == 0.0) throw new Fail("ZeroDivisionError");
        // CPython's float_divmod
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0.0) {
          if ((b < 0) != (mod < 0)) {
            mod += b;
            div -= 1.0;
          }
        } else {
          mod = Math.copySign(0.0, b);
        }
        double floordiv;
        if (div != 0.0) {
          floordiv = Math.floor(div);
          if (div - floordiv > 0.5) floordiv += 1.0;
        } else {
          floordiv = Math.copySign(0.0, a / b);
        }
        return op.equals("//") ? floordiv : mod;
      }
      case "**" -> {
        if (a == 0.0 && b < 0) throw new Fail("ZeroDivisionError");
        if (a < 0 && Double.isFinite(a) && Double.isFinite(b) && b != Math.rint(b)) {
          throw new Fail("unsupported: complex result");
        }
        double r = Math.pow(a, b);
        if (Double.isInfinite(r) && Double.isFinite(a) && Double.isFinite(b)) throw new Fail("OverflowError");
        return r;
      }
      default -> throw new Fail("unsupported operator " + op);
    }
  }

  static boolean compare(String op, Object a, Object b) {
    switch (op) {
      case "in", "not in" -> {
        boolean found;
        if (b instanceof String s) {
          if (!(a instanceof String t)) throw new Fail("TypeError: in <string>");
          found = s.contains(t);
        } else {
          found = false;
          for (Object x : Interpreter.iterate(b)) {
            if (equal(a, x)) {
              found = true;
              break;
            }
          }
        }
        return op.equals("in") == found;
      }
      case "==" -> {
        return equal(a, b);
      }
      case "!=" -> {
        return !equal(a, b);
      }
      default -> {
        int c = order(a, b);
        if (c == 2) return false; // NaN: every ordering comparison is false
        return switch (op) {
          case "<" -> c < 0;
          case ">" -> c > 0;
          case "<=" -> c <= 0;
          case ">=" -> c >= 0;
          default -> throw new Fail("unsupported comparison " + op);
        };
      }
    }
  }

  private static boolean equal(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      BigInteger x = asInt(a);
      BigInteger y = asInt(b);
      if (x != null && y != null) return x.equals(y);
      return numericCompare(a, b) == 0;
    }
    if (a instanceof String s && b instanceof String t) return s.equals(t);
    if (a instanceof PyList l && b instanceof PyList m) {
      if (l.tuple != m.tuple || l.items.size() != m.items.size()) return false;
      for (int k = 0; k < l.items.size(); k++) if (!equal(l.items.get(k), m.items.get(k))) return false;
      return true;
    }
    return a == b;
  }

  /** Compares two numbers exactly, as CPython does for int/float mixes. NaN compares as unordered (2). */
  private static int numericCompare(Object a, Object b) {
    double da = a instanceof Double d ? d : Double.NaN;
    double db = b instanceof Double d ? d : Double.NaN;
    if ((a instanceof Double && da != da) || (b instanceof Double && db != db)) return 2;
    if (a instanceof Double && Double.isInfinite(da)) return da > 0 ? 1 : -1;
    if (b instanceof Double && Double.isInfinite(db)) return db > 0 ? -1 : 1;
    BigDecimal x = a instanceof Double ? new BigDecimal(da) : new BigDecimal(java.util.Objects.requireNonNull(asInt(a)));
    BigDecimal y = b instanceof Double ? new BigDecimal(db) : new BigDecimal(java.util.Objects.requireNonNull(asInt(b)));
    return x.compareTo(y);
  }

  private static int order(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      BigInteger x = asInt(a);
      BigInteger y = asInt(b);
      if (x != null && y != null) return x.compareTo(y);
      if (a instanceof Double d && b instanceof Double e) {
        if (d.isNaN() || e.isNaN()) return 2; // every ordering comparison with NaN is false
        return Double.compare(d + 0.0, e + 0.0);
      }
      return numericCompare(a, b);
    }
    if (a instanceof String s && b instanceof String t) return Integer.signum(s.compareTo(t));
    throw new Fail("TypeError: '<' not supported between these types");
  }
}

package dev.bursar.arithmetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The synthetic multi-step arithmetic task: constants of the text format, the seeded generator and
 * the formatting of prompts and completions.
 *
 * <h2>Text format (character level)</h2>
 *
 * <pre>{@code
 * Q:17+25*3\n<think>25*3=75;17+75\n17+75=92\n</think>A:92\n<eos>
 * }</pre>
 *
 * <ul>
 *   <li>Prompt ({@link #prompt(String)}): {@link #QUESTION_MARKER} + canonical expression + {@code
 *       \n}. Training sequences start with {@link #BOS}; prompts never contain it (prepend it, or
 *       let {@link CharTokenizer#encodeWithBos(String)} do it).
 *   <li>Completion: {@link #THINK_OPEN}, then one line per operation, each terminated by {@link
 *       #STEP_DELIMITER}, then {@link #THINK_CLOSE} + {@link #ANSWER_MARKER} + answer + {@code \n}
 *       + {@link #EOS}.
 *   <li>Step line: {@code a op b=c;rest} where {@code rest} is the whole expression after replacing
 *       {@code a op b} by {@code c} (parentheses around a lone number are dropped); the last step
 *       is just {@code a op b=c}. Canonical order: innermost-leftmost parenthesised group first;
 *       inside a group the leftmost {@code *}, else the leftmost {@code +}/{@code -}. Training
 *       chains may also use any other admissible order ({@link #randomOrder}) and write the
 *       operands of a {@code +} or {@code *} step swapped ({@link #swapOperands}: {@code
 *       25*3} as {@code 3*25=75;17+75}); {@link StepChecker} accepts both.
 *   <li>Values: integers; operands have at most {@link #MAX_OPERAND_DIGITS} digits and are not
 *       negative; every intermediate value and the answer are below {@link #MAX_VALUE} in
 *       magnitude. A value is negative only as the running value at the start of the remaining
 *       expression ({@code 9-39+30}: {@code 9-39=-30;-30+30}); no other unary minus.
 *   <li>Multiplications whose right operand has two or more non-zero digits write their partial
 *       products: {@code 35*23=35*20+35*3=700+105=805;rest} ({@link Step#work}).
 * </ul>
 *
 * <h2>Forcing an answer (probes)</h2>
 *
 * <p>At any step boundary (the generated text so far ends with {@code <think>} or with a complete
 * step line's {@code \n}) append {@link #FORCE_ANSWER_SUFFIX} ({@code </think>A:}) and decode
 * greedily until {@code \n} or {@code <eos>}: the model was trained on {@linkplain
 * TrainingExample.Kind#FORCED forced examples} exactly of that shape, so what follows is its best
 * current answer. Parse it with {@link AnswerChecker#extractAnswer(String)}.
 */
public final class ArithmeticTask {

  /** Starts the prompt: {@code Q:}. */
  public static final String QUESTION_MARKER = "Q:";
  /** Opens the thinking segment (one token). */
  public static final String THINK_OPEN = "<think>";
  /** Closes the thinking segment (one token). */
  public static final String THINK_CLOSE = "</think>";
  /** Precedes the final answer: {@code A:}. */
  public static final String ANSWER_MARKER = "A:";
  /** Terminates every step line, the prompt and the answer line. */
  public static final String STEP_DELIMITER = "\n";
  /** Separates a step's operation from the remaining expression. */
  public static final String REST_DELIMITER = ";";
  /** End of sequence (one token); the last token of every completion. */
  public static final String EOS = "<eos>";
  /** Beginning of sequence (one token); not part of prompt strings. */
  public static final String BOS = "<bos>";
  /** Padding (one token); never in text. */
  public static final String PAD = "<pad>";
  /** Unknown character (one token). */
  public static final String UNK = "<unk>";
  /** What a probe appends at a step boundary to force an answer: {@code </think>A:}. */
  public static final String FORCE_ANSWER_SUFFIX = THINK_CLOSE + ANSWER_MARKER;

  /** Most operations in any problem the model is trained on. */
  public static final int MAX_OPS = 6;
  /** Most digits of an operand. */
  public static final int MAX_OPERAND_DIGITS = 3;
  /** Exclusive bound on the magnitude of every operand, intermediate value and answer. */
  public static final long MAX_VALUE = 1_000_000;
  /**
   * Longest training sequence in tokens, {@code <bos>} and {@code <eos>} included. The generator
   * rejects problems whose full example is longer, so a context of this size always fits a whole
   * example.
   */
  public static final int MAX_SEQUENCE_TOKENS = 192;

  private static final int MAX_ATTEMPTS = 100_000;

  private ArithmeticTask() {}

  /**
   * The model prompt for a canonical expression: {@code Q:<expr>\n}.
   *
   * @param expression canonical compact expression (as returned by {@link
   *     QuestionParser#parse(String)} or {@link Problem#expression()})
   * @throws IllegalArgumentException if it is not a valid expression over digits, {@code + - *}
   *     and parentheses
   */
  public static String prompt(String expression) {
    Expr.parse(expression);
    return QUESTION_MARKER + expression + STEP_DELIMITER;
  }

  /**
   * Solves an expression: its canonical form, chain of steps and answer. The bucket is {@code
   * null}.
   *
   * @throws IllegalArgumentException if it does not parse, has no operation, or an intermediate
   *     value leaves {@code [0, MAX_VALUE)}
   */
  public static Problem solve(String expression) {
    return solve(expression, MAX_VALUE, null);
  }

  static Problem solve(String expression, long maxValue, @Nullable Bucket bucket) {
    String canonical = Expr.print(Expr.parse(expression));
    List<String> tokens = Expr.tokenize(canonical);
    if (tokens.size() == 1) {
      throw new IllegalArgumentException("'" + expression + "' has no operation to compute");
    }
    List<Step> steps = new ArrayList<>();
    while (tokens.size() > 1) {
      Expr.Reduction r = Expr.canonical(tokens);
      if (!r.writable()) {
        throw new IllegalArgumentException(
            "intermediate result " + r.opText() + "=" + r.result() + " is negative inside the expression"
                + " (a negative value may only be the running value at the start)");
      }
      if (Math.abs(r.result()) >= maxValue) {
        throw new IllegalArgumentException(
            "intermediate result " + r.opText() + "=" + r.result() + " is outside -"
                + (maxValue - 1) + ".." + (maxValue - 1));
      }
      tokens = r.after();
      String rest = tokens.size() == 1 ? "" : Expr.join(tokens);
      steps.add(new Step(r.left(), r.op(), r.right(), r.result(), rest));
    }
    return new Problem(canonical, steps.getLast().result(), steps, bucket);
  }

  /**
   * The same problem with its chain of thought in a random admissible order, for training on
   * several valid reduction paths (so sampled chains differ and make less correlated mistakes).
   * At each step one operation is drawn uniformly among those that may be reduced next without
   * changing the value (any {@code *} between two numbers; a {@code +}/{@code -} between two
   * numbers, not next to a {@code *}, whose left neighbour operator is not {@code -}; any
   * parenthesised group, not only the innermost-leftmost; see {@link StepChecker}), skipping any
   * whose result could not be written (a negative value inside the
   * expression) or is not below the bucket's value bound; an order that reaches a dead end is
   * redrawn. The step lines keep the format {@code a op b=c;rest}, so every chain
   * checks as valid with {@link StepChecker} and ends in the same answer. A chain whose training
   * example would exceed {@link #MAX_SEQUENCE_TOKENS} is redrawn a few times, then the problem is
   * returned unchanged. Deterministic for a given generator state.
   *
   * @param problem a problem (its expression is the starting point; expression, answer and bucket
   *     are kept)
   */
  public static Problem randomOrder(Problem problem, RandomGenerator random) {
    long maxValue = problem.bucket() != null ? problem.bucket().difficulty().maxValue() : MAX_VALUE;
    for (int attempt = 0; attempt < 4; attempt++) {
      List<String> tokens = Expr.tokenize(problem.expression());
      List<Step> steps = new ArrayList<>();
      while (tokens.size() > 1) {
        List<Expr.Reduction> options = new ArrayList<>();
        for (Expr.Reduction r : Expr.candidates(tokens)) {
          if (r.writable() && Math.abs(r.result()) < maxValue) {
            options.add(r);
          }
        }
        if (options.isEmpty()) {
          break; // a dead end (every next value out of bounds): draw another order
        }
        Expr.Reduction pick = options.get(random.nextInt(options.size()));
        tokens = pick.after();
        String rest = tokens.size() == 1 ? "" : Expr.join(tokens);
        steps.add(new Step(pick.left(), pick.op(), pick.right(), pick.result(), rest));
      }
      if (tokens.size() > 1) {
        continue;
      }
      Problem p = new Problem(problem.expression(), problem.answer(), steps, problem.bucket());
      if (p.sequenceTokens() <= MAX_SEQUENCE_TOKENS) {
        return p;
      }
    }
    return problem;
  }

  /**
   * The same chain with the operands of commutative steps written in random order: each {@code +}
   * or {@code *} step {@code a op b=c;rest} becomes {@code b op a=c;rest} with probability {@code
   * probability} ({@code -} steps are never swapped). The reduced operation, its result and the
   * {@code rest} rewrite are unchanged, so the chain still checks as valid with {@link StepChecker}
   * (which accepts swapped operands of {@code +} and {@code *}); a swapped product writes the
   * partial products of its other operand, and a chain that would then exceed {@link
   * #MAX_SEQUENCE_TOKENS} is returned unswapped. A negative left operand is never swapped; sampled
   * chains then compute the same products and sums through different token sequences.
   * Deterministic for a given generator state; draws one number per commutative step.
   *
   * @param problem a problem (expression, answer and bucket are kept)
   * @param probability per-step swap probability, in {@code [0, 1]}
   */
  public static Problem swapOperands(Problem problem, RandomGenerator random, double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
    List<Step> steps = new ArrayList<>(problem.steps().size());
    for (Step s : problem.steps()) {
      // a negative running value stays on the left: '187+-7' has no reading
      if ((s.op() == '+' || s.op() == '*') && random.nextDouble() < probability && s.left() >= 0) {
        steps.add(new Step(s.right(), s.op(), s.left(), s.result(), s.rest()));
      } else {
        steps.add(s);
      }
    }
    Problem swapped = new Problem(problem.expression(), problem.answer(), steps, problem.bucket());
    // a swapped product writes other partial products, which may not fit the context
    return swapped.sequenceTokens() <= MAX_SEQUENCE_TOKENS ? swapped : problem;
  }

  /** {@code generate(new Random(seed), difficulty)}. */
  public static Problem generate(long seed, Difficulty difficulty) {
    return generate(new Random(seed), difficulty);
  }

  /** {@code generate(new Random(seed), bucket)}. */
  public static Problem generate(long seed, Bucket bucket) {
    return generate(new Random(seed), bucket);
  }

  /** A problem from the bucket's difficulty, labelled with the bucket. */
  public static Problem generate(RandomGenerator random, Bucket bucket) {
    return generate(random, bucket.difficulty(), bucket);
  }

  /**
   * Draws a problem with the given knobs (rejection sampling: operations, operands and, with
   * {@link Difficulty#parenthesesProbability()}, a random tree shape are drawn until every
   * intermediate value is in {@code [0, maxValue)} and the full example fits in {@link
   * #MAX_SEQUENCE_TOKENS}). Deterministic for a given generator state. The bucket is {@code null}.
   */
  public static Problem generate(RandomGenerator random, Difficulty difficulty) {
    return generate(random, difficulty, null);
  }

  private static Problem generate(
      RandomGenerator random, Difficulty d, @Nullable Bucket bucket) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int n = d.minOps() + random.nextInt(d.maxOps() - d.minOps() + 1);
      long[] operands = new long[n + 1];
      for (int i = 0; i <= n; i++) {
        int digits = d.minDigits() + random.nextInt(d.maxDigits() - d.minDigits() + 1);
        long lo = digits == 1 ? 0 : pow10(digits - 1);
        long hi = pow10(digits);
        operands[i] = lo + random.nextLong(hi - lo);
      }
      char[] ops = new char[n];
      double total = 2 + d.multiplyWeight();
      for (int i = 0; i < n; i++) {
        double u = random.nextDouble() * total;
        ops[i] = u < 1 ? '+' : u < 2 ? '-' : '*';
      }
      boolean tree = d.parenthesesProbability() > 0 && random.nextDouble() < d.parenthesesProbability();
      Expr.Node node = tree ? randomTree(random, operands, ops, 0, n) : flat(operands, ops);
      String expression = Expr.print(node);
      Problem p;
      try {
        p = solve(expression, d.maxValue(), bucket);
      } catch (IllegalArgumentException | ArithmeticException e) {
        continue;
      }
      if (p.sequenceTokens() <= MAX_SEQUENCE_TOKENS) {
        return p;
      }
    }
    throw new IllegalStateException("could not draw a problem for " + d + "; knobs too tight");
  }

  private static Expr.Node flat(long[] operands, char[] ops) {
    // A flat chain printed left to right, parsed with standard precedence.
    StringBuilder sb = new StringBuilder().append(operands[0]);
    for (int i = 0; i < ops.length; i++) {
      sb.append(ops[i]).append(operands[i + 1]);
    }
    return Expr.parse(sb.toString());
  }

  /** Random binary tree over leaves {@code operands[from..to]} and ops {@code ops[from..to-1]}. */
  private static Expr.Node randomTree(
      RandomGenerator random, long[] operands, char[] ops, int from, int to) {
    if (from == to) {
      return new Expr.Num(operands[from]);
    }
    int root = from + random.nextInt(to - from);
    return new Expr.Bin(
        ops[root],
        randomTree(random, operands, ops, from, root),
        randomTree(random, operands, ops, root + 1, to));
  }

  private static long pow10(int e) {
    long v = 1;
    for (int i = 0; i < e; i++) {
      v *= 10;
    }
    return v;
  }

  /**
   * The completion with the thinking cut after {@code stepsShown} complete steps, followed by the
   * true answer. With {@code stepsShown == problem.ops()} this is the full completion.
   *
   * @throws IllegalArgumentException if {@code stepsShown} is outside {@code 0..problem.ops()}
   */
  public static String forcedCompletion(Problem problem, int stepsShown) {
    if (stepsShown < 0 || stepsShown > problem.ops()) {
      throw new IllegalArgumentException(
          "stepsShown must be in 0.." + problem.ops() + ", got " + stepsShown);
    }
    StringBuilder sb = new StringBuilder(THINK_OPEN);
    for (int i = 0; i < stepsShown; i++) {
      sb.append(problem.steps().get(i).line()).append(STEP_DELIMITER);
    }
    return sb.append(THINK_CLOSE)
        .append(ANSWER_MARKER)
        .append(problem.answer())
        .append(STEP_DELIMITER)
        .append(EOS)
        .toString();
  }
}

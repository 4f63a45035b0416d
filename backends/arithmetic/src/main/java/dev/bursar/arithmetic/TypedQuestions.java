package dev.bursar.arithmetic;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A seeded set of questions typed as a person would ("35*23", "How much is 99 + 1?", "what's 10
 * minus 29"): chains of two or three whole numbers up to 99 with {@code + - *}, any order, results
 * negative as often as the draw makes them. It measures the embedded model as a newcomer meets it,
 * unlike {@link ProblemSet}, which draws only what the model was trained on.
 */
public final class TypedQuestions {

  /** One question as typed, with its exact value under the usual precedence. */
  public record Question(String text, long expected, int numbers) {}

  private static final String[] OPS = {"+", "-", "*"};
  private static final String[][] WORDS = {{"plus", "+"}, {"minus", "-"}, {"times", "*"}};

  private TypedQuestions() {}

  /** {@code n} questions drawn from {@code seed} (the same seed gives the same questions). */
  public static List<Question> draw(int n, long seed) {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
    SplittableRandom r = new SplittableRandom(seed);
    List<Question> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Chain c = chain(r);
      out.add(new Question(type(c.nums, c.ops, r), value(c.nums, c.ops), c.nums.length));
    }
    return out;
  }

  /** Seed of the set that {@code bursar ask --typed-set} measures; training leaves it out. */
  public static final long EVALUATION_SEED = 0;

  /**
   * The canonical expressions of the first {@code n} questions of the evaluation seed, for keeping
   * them out of training (any {@code --typed-set} of up to {@code n} questions at the default seed
   * is then unseen).
   */
  public static Set<String> heldOutExpressions(int n) {
    Set<String> out = new HashSet<>();
    for (Question q : draw(n, EVALUATION_SEED)) out.add(QuestionParser.parse(q.text()));
    return out;
  }

  /**
   * A training problem from the same distribution as the questions (two or three numbers up to 99,
   * {@code + - *}), solved with its canonical chain. Deterministic for a given generator state.
   */
  public static Problem problem(RandomGenerator random) {
    Chain c = chain(random);
    StringBuilder sb = new StringBuilder().append(c.nums[0]);
    for (int j = 0; j < c.ops.length; j++) sb.append(c.ops[j]).append(c.nums[j + 1]);
    return ArithmeticTask.solve(sb.toString());
  }

  private record Chain(long[] nums, String[] ops) {}

  private static Chain chain(RandomGenerator r) {
    int count = 2 + r.nextInt(2);
    long[] nums = new long[count];
    String[] ops = new String[count - 1];
    for (int j = 0; j < count; j++) nums[j] = r.nextInt(100);
    for (int j = 0; j < ops.length; j++) ops[j] = OPS[r.nextInt(OPS.length)];
    return new Chain(nums, ops);
  }

  /** The chain as a person might type it: bare, spaced, in words, with a lead-in and a question mark. */
  private static String type(long[] nums, String[] ops, RandomGenerator r) {
    int style = r.nextInt(5);
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < nums.length; j++) {
      if (j > 0) {
        String op = ops[j - 1];
        if (style == 3) {
          for (String[] w : WORDS) if (w[1].equals(op)) op = w[0];
        }
        sb.append(style == 0 ? op : " " + op + " ");
      }
      sb.append(nums[j]);
    }
    return switch (style) {
      case 0 -> sb.toString();
      case 1 -> "What is " + sb + "?";
      case 2 -> "How much is " + sb + "?";
      case 3 -> "what's " + sb;
      default -> sb + " =";
    };
  }

  /** Multiplications first, then additions and subtractions left to right. */
  static long value(long[] nums, String[] ops) {
    List<Long> terms = new ArrayList<>();
    List<String> signs = new ArrayList<>();
    long term = nums[0];
    for (int j = 0; j < ops.length; j++) {
      if (ops[j].equals("*")) {
        term *= nums[j + 1];
      } else {
        terms.add(term);
        signs.add(ops[j]);
        term = nums[j + 1];
      }
    }
    terms.add(term);
    long v = terms.get(0);
    for (int j = 0; j < signs.size(); j++) v = signs.get(j).equals("+") ? v + terms.get(j + 1) : v - terms.get(j + 1);
    return v;
  }
}

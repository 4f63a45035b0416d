package dev.bursar.arithmetic;

import java.util.Locale;

/**
 * The named difficulty buckets used for training mixes and for reports, from near-trivial to
 * hard. The model is meant to be near-perfect (&ge;95% greedy) on {@link #EASY} and mostly wrong
 * (&le;50% greedy) on {@link #HARDEST}, so that self-consistency, search and early exits matter in
 * the middle.
 *
 * <table>
 *   <caption>Bucket knobs and full-example length in tokens ({@code <bos>}..{@code <eos>})</caption>
 *   <tr><th>bucket</th><th>ops</th><th>digits</th><th>|values| &lt;</th><th>tree-shaped</th><th>* weight</th><th>mean / max tokens</th></tr>
 *   <tr><td>easy</td><td>1-2</td><td>1</td><td>100</td><td>0</td><td>1</td><td>28 / 39</td></tr>
 *   <tr><td>medium</td><td>2-3</td><td>1-2</td><td>1,000</td><td>0</td><td>1</td><td>52 / 97</td></tr>
 *   <tr><td>hard</td><td>3-4</td><td>1-2</td><td>10,000</td><td>25%</td><td>1</td><td>81 / 154</td></tr>
 *   <tr><td>harder</td><td>4</td><td>1-2</td><td>10,000</td><td>35%</td><td>1</td><td>94 / 156</td></tr>
 *   <tr><td>hardest</td><td>4-5</td><td>2</td><td>100,000</td><td>35%</td><td>1.5</td><td>145 / 192</td></tr>
 * </table>
 *
 * <p>("Tree-shaped" problems are drawn as random trees, which usually print with parentheses;
 * {@code *} weight is relative to 1 for each of {@code +} and {@code -}.) What separates the top
 * buckets is mostly multiplication size: {@code hardest} has two-digit by two-digit products in
 * almost every problem, each worked by partial products. A chain may run below zero as its
 * leading value (20% of easy problems, about 40% of the harder ones). Lengths are capped at
 * {@link ArithmeticTask#MAX_SEQUENCE_TOKENS}.
 */
public enum Bucket {
  /** 1-2 operations on single digits, values below 100: {@code 7*8-3}. */
  EASY(new Difficulty(1, 2, 1, 1, 100, 0.0, 1.0)),
  /** 2-3 operations, 1-2 digit operands, values below 1,000: {@code 14+6*7-9}. */
  MEDIUM(new Difficulty(2, 3, 1, 2, 1_000, 0.0, 1.0)),
  /** 3-4 operations, 1-2 digits, values below 10,000, some parentheses. */
  HARD(new Difficulty(3, 4, 1, 2, 10_000, 0.25, 1.0)),
  /** 4 operations, 1-2 digits, values below 10,000, more parentheses. */
  HARDER(new Difficulty(4, 4, 1, 2, 10_000, 0.35, 1.0)),
  /** 4-5 operations on two-digit operands, values below 100,000, more multiplications. */
  HARDEST(new Difficulty(4, 5, 2, 2, 100_000, 0.35, 1.5));

  private final Difficulty difficulty;

  Bucket(Difficulty difficulty) {
    this.difficulty = difficulty;
  }

  /** The generator knobs of this bucket. */
  public Difficulty difficulty() {
    return difficulty;
  }

  /** Lower-case name for reports and configuration: {@code easy}, {@code medium}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The bucket with this {@linkplain #label() label} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted labels
   */
  public static Bucket fromLabel(String label) {
    for (Bucket b : values()) {
      if (b.label().equalsIgnoreCase(label.strip())) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown bucket '" + label + "'; expected one of easy, medium, hard, harder, hardest");
  }
}

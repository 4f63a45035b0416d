package dev.bursar.arithmetic;

/**
 * The knobs of the generator.
 *
 * <p>A problem drawn with a difficulty has between {@code minOps} and {@code maxOps} operations
 * (= thinking steps), each operand has between {@code minDigits} and {@code maxDigits} digits, and
 * every intermediate value of the canonical reduction chain (and the answer) lies in {@code [0,
 * maxValue)}. The value bound is what keeps multiplications in check: with {@code maxValue = 100}
 * only products like {@code 7*8} survive, with {@code 100_000} products like {@code 412*87} do.
 *
 * @param minOps fewest operations, at least 1
 * @param maxOps most operations, at most {@link ArithmeticTask#MAX_OPS}
 * @param minDigits fewest digits per operand, at least 1
 * @param maxDigits most digits per operand, at most 3
 * @param maxValue exclusive bound on every intermediate value and the answer, at most {@link
 *     ArithmeticTask#MAX_VALUE}
 * @param parenthesesProbability probability that a problem is drawn as a random tree (which usually
 *     needs parentheses) rather than a flat left-to-right chain; 0 means never parentheses
 * @param multiplyWeight relative weight of {@code *} against {@code +} and {@code -} (weight 1 each)
 */
public record Difficulty(
    int minOps,
    int maxOps,
    int minDigits,
    int maxDigits,
    long maxValue,
    double parenthesesProbability,
    double multiplyWeight) {

  /** Validates the knobs. */
  public Difficulty {
    if (minOps < 1 || maxOps < minOps || maxOps > ArithmeticTask.MAX_OPS) {
      throw new IllegalArgumentException(
          "ops must satisfy 1 <= minOps <= maxOps <= " + ArithmeticTask.MAX_OPS + ", got "
              + minOps + ".." + maxOps);
    }
    if (minDigits < 1 || maxDigits < minDigits || maxDigits > ArithmeticTask.MAX_OPERAND_DIGITS) {
      throw new IllegalArgumentException(
          "digits must satisfy 1 <= minDigits <= maxDigits <= "
              + ArithmeticTask.MAX_OPERAND_DIGITS + ", got " + minDigits + ".." + maxDigits);
    }
    if (maxValue < 10 || maxValue > ArithmeticTask.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxValue must be in [10, " + ArithmeticTask.MAX_VALUE + "], got " + maxValue);
    }
    if (!(parenthesesProbability >= 0 && parenthesesProbability <= 1)) {
      throw new IllegalArgumentException(
          "parenthesesProbability must be in [0, 1], got " + parenthesesProbability);
    }
    if (!(multiplyWeight >= 0 && multiplyWeight <= 100)) {
      throw new IllegalArgumentException("multiplyWeight must be in [0, 100], got " + multiplyWeight);
    }
  }

  /**
   * A difficulty with exactly {@code ops} operations and {@code digits}-digit operands (1-digit
   * operands range over 0..9, n-digit ones over 10^(n-1)..10^n-1), the global value bound, 30%
   * parenthesised problems and {@code *} as likely as {@code +} or {@code -}.
   */
  public static Difficulty of(int ops, int digits) {
    return new Difficulty(ops, ops, digits, digits, ArithmeticTask.MAX_VALUE, 0.3, 1.0);
  }
}

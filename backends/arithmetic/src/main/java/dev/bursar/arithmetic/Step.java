package dev.bursar.arithmetic;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * One thinking step: the reduction of exactly one operation of the current expression.
 *
 * <p>Its {@linkplain #line() text} is {@code left op right=result;rest}, where {@code rest} is the
 * whole expression after the reduction. On the final step the remaining expression is the bare
 * result and {@code ;rest} is omitted: {@code 17+75=92}. A multiplication of two multi-digit
 * numbers whose right operand has two or more non-zero digits writes its {@linkplain #work(long, char, long) partial products}
 * between the operation and the result: {@code 35*23=35*20+35*3=700+105=805}, so the model never
 * multiplies two multi-digit numbers in one go. Values may be negative where the running value of
 * a chain goes below zero: {@code 9-39=-30;-30+30}.
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
    String work = work(left, op, right);
    String head = left + String.valueOf(op) + right + (work.isEmpty() ? "" : "=" + work) + "=" + result;
    return rest.isEmpty() ? head : head + ";" + rest;
  }

  /**
   * The written-out work of {@code left op right}, without the final result: for a multiplication
   * of a multi-digit left operand by a right operand with two or more non-zero digits (a
   * one-digit factor is multiplied in one go: {@code 25*3}, {@code 3*25}), one partial product per
   * non-zero digit
   * (most significant first), then their values, then running sums until two terms are left:
   * {@code 35*123} gives {@code 35*100+35*20+35*3=3500+700+105=4200+105}. Empty for every other
   * operation. Which operand is split follows how the step is written, so a step written with its
   * operands swapped ({@link ArithmeticTask#swapOperands}) reaches the same product another way.
   */
  public static String work(long left, char op, long right) {
    if (op != '*' || left < 10 || right < 0) {
      return "";
    }
    List<Long> places = new ArrayList<>();
    String digits = Long.toString(right);
    for (int i = 0; i < digits.length(); i++) {
      long d = digits.charAt(i) - '0';
      if (d != 0) {
        places.add(d * pow10(digits.length() - 1 - i));
      }
    }
    if (places.size() < 2) {
      return "";
    }
    StringJoiner products = new StringJoiner("+");
    List<Long> terms = new ArrayList<>();
    for (long place : places) {
      products.add(left + "*" + place);
      terms.add(Math.multiplyExact(left, place));
    }
    StringBuilder sb = new StringBuilder(products.toString());
    while (terms.size() >= 2) {
      StringJoiner line = new StringJoiner("+");
      terms.forEach(t -> line.add(Long.toString(t)));
      sb.append('=').append(line);
      if (terms.size() == 2) {
        break;
      }
      terms.set(1, Math.addExact(terms.get(0), terms.get(1)));
      terms.removeFirst();
    }
    return sb.toString();
  }

  private static long pow10(int e) {
    long v = 1;
    for (int i = 0; i < e; i++) {
      v *= 10;
    }
    return v;
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

package dev.bursar.controller;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns an extracted answer into the key that votes are counted on, as the pools' README defines
 * it: {@code MM/DD/YYYY} dates become (month, day, year) integers, numbers become values rounded
 * to 6 decimals (after removing {@code ,} and {@code $}), anything else is stripped and
 * lower-cased. Null or blank answers do not vote: they normalise to null.
 */
final class AnswerNormalizer {
  private static final Pattern DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{1,4})");
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  private AnswerNormalizer() {}

  /** {@return the vote key of {@code answer}, or null when it does not vote} */
  static @Nullable String normalize(@Nullable String answer) {
    if (answer == null) return null;
    String s = answer.strip();
    if (s.isEmpty()) return null;
    var date = DATE.matcher(s);
    if (date.matches()) {
      return "date:" + Integer.parseInt(date.group(1)) + "/" + Integer.parseInt(date.group(2)) + "/"
          + Integer.parseInt(date.group(3));
    }
    String numeric = s.replace(",", "").replace("$", "");
    if (NUMBER.matcher(numeric).matches()) {
      return "num:" + canonicalNumber(Double.parseDouble(numeric));
    }
    return "str:" + s.toLowerCase(Locale.ROOT);
  }

  /** {@return the number rounded to 6 decimals, without trailing zeros: 18.0 -> "18", -0.5 -> "-0.5"} */
  static String canonicalNumber(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
    // Round half-even on the double's exact value, as Python's round(x, 6) does.
    BigDecimal d = new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
    if (d.signum() == 0) return "0";
    return d.toPlainString();
  }
}

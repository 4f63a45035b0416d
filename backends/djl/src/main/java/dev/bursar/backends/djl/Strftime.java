package dev.bursar.backends.djl;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The Python {@code strftime} directives that chat templates use, in the C locale. */
final class Strftime {
  private Strftime() {}

  static String format(String pattern, ZonedDateTime t) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 == pattern.length()) {
        out.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      out.append(switch (d) {
        case 'd' -> two(t.getDayOfMonth());
        case 'm' -> two(t.getMonthValue());
        case 'Y' -> String.valueOf(t.getYear());
        case 'y' -> two(t.getYear() % 100);
        case 'H' -> two(t.getHour());
        case 'M' -> two(t.getMinute());
        case 'S' -> two(t.getSecond());
        case 'b' -> pattern(t, "MMM");
        case 'B' -> pattern(t, "MMMM");
        case 'a' -> pattern(t, "EEE");
        case 'A' -> pattern(t, "EEEE");
        case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
        case '%' -> "%";
        default -> "%" + d; // unknown directives stay as written, as glibc does
      });
    }
    return out.toString();
  }

  private static String two(int v) {
    return String.format(Locale.ROOT, "%02d", v);
  }

  private static String pattern(ZonedDateTime t, String p) {
    return DateTimeFormatter.ofPattern(p, Locale.ENGLISH).format(t);
  }
}

package dev.bursar.controller;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds the final answer in the raw text of an LLM output, as written (e.g. {@code "05/01/2021"},
 * {@code "18"}, {@code "\frac{1}{2}"}); {@link AnswerNormalizer} then turns it into a vote key.
 *
 * <p>The first rule that applies wins:
 *
 * <ol>
 *   <li><b>Program of thought.</b> A Python program that stores its result in {@code ans} (a text
 *       that starts with {@code # Python code}, a fenced {@code ```python} block assigning {@code
 *       ans}, or a text made only of code lines with a top-level {@code ans =}) has the answer its
 *       program computes, and only when the caller passes a runner (the opt-in {@code bursar-pot}
 *       module runs it in a small sandboxed interpreter); without one, or when the program fails, it
 *       has no answer: the text is not searched further. The controller never runs model-written code.
 *   <li>The content of the last {@code \boxed{...}} or {@code \fbox{...}} (nested braces allowed),
 *       cleaned as the Qwen2.5-Math evaluation does (spaces, {@code \left}/{@code \right}, {@code
 *       \dfrac}, a trailing {@code \text{ unit}} removed).
 *   <li>The rest of the line after the last {@code ####} (GSM8K) or {@code Final Answer:}.
 *   <li>The rest of the line after the last {@code A: } (the few-shot Q/A format of the date pools;
 *       their source took everything after the last {@code A: }, this stops at the end of the line).
 *   <li>What follows the last "the answer is" (or "answer would be", "Answer:") up to the end of the
 *       sentence.
 *   <li>Otherwise: with a {@link Task} hint, the last date, number or choice letter of the text; with
 *       no hint (or {@link Task#FREE}), the whole text, stripped. That is what the pools' source stored
 *       for texts without a marker, so identical texts still vote together; it is rarely useful
 *       otherwise.
 * </ol>
 *
 * <p>Answers found by rules 3 and 5 are tidied: markdown emphasis, {@code $...$} and trailing
 * punctuation go, a number followed by a unit or currency becomes the number ({@code "$18"},
 * {@code "18 dollars"} and {@code "18%"} give {@code "18"}, {@code "$1,000"} gives {@code "1,000"}),
 * a choice such as {@code "(c)"} or {@code "B) 42"} becomes its capital letter, a leading date is
 * kept without the words after it. The line after {@code A: } is kept as written (so that it agrees
 * with the pools), unless a hint asks for a date, number or choice that the line contains.
 * Fractions ({@code 3/4}, {@code \frac{3}{4}}) are kept as written.
 */
final class AnswerExtractor {
  /** What kind of answer the caller expects; it only changes how a found answer is tidied. */
  enum Task {
    /** A date, {@code MM/DD/YYYY}. */
    DATE,
    /** A number (GSM8K and similar). */
    NUMBER,
    /** A competition-math answer, usually in {@code \boxed{}}. */
    MATH,
    /** A multiple-choice letter. */
    CHOICE,
    /** A short free-form answer. */
    FREE
  }

  private static final Pattern DATE = Pattern.compile("(?<![\\d/])(\\d{1,2}/\\d{1,2}/\\d{4})(?![\\d/])");
  private static final Pattern NUMBER_TOKEN =
      Pattern.compile("(?<![\\w.])[-−]?\\$?\\s?-?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:/\\d+)?(?![\\w/])|(?<![\\w.])-?\\.\\d+(?!\\w)");
  private static final Pattern NUMBER_WITH_UNIT = Pattern.compile(
      "([-−+]?\\s?\\$?\\s?[-+]?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:/\\d+)?|[-+]?\\.\\d+)"
          + "\\s*(?:%|\\\\%|[°]|[A-Za-z°][A-Za-z\\s.'/²³-]{0,40})?");
  private static final Pattern CHOICE = Pattern.compile(
      "\\(([A-Ea-e])\\)(?:\\s.*)?|([A-E])\\)(?:\\s.*)?|(?i:option)\\s+([A-Ea-e])\\b.*", Pattern.DOTALL);
  private static final Pattern CHOICE_LOOSE = Pattern.compile("([A-E])(?:[.:]\\s.*)?", Pattern.DOTALL);
  private static final Pattern CHOICE_ANYWHERE = Pattern.compile("\\(([A-E])\\)|\\b([A-E])\\)");
  private static final Pattern GSM_MARK = Pattern.compile("####[ \\t]*([^\\n]*)");
  private static final Pattern FINAL_ANSWER =
      Pattern.compile("(?i)final\\s+answer\\s*(?:\\*\\*)?\\s*[:：]\\s*(?:\\*\\*)?[ \\t]*([^\\n]*)");
  private static final Pattern FINAL_ANSWER_IS =
      Pattern.compile("(?i)the\\s+final\\s+answer\\s+is\\s*[:：]?\\s*(.*)");
  private static final Pattern A_MARK = Pattern.compile("(?<![A-Za-z0-9])A:[ \\t]*([^\\n]*)");
  private static final Pattern ANSWER_IS = Pattern.compile(
      "(?i)\\banswer\\s+(?:is|would\\s+be|will\\s+be|should\\s+be)\\s*[:：]?[ \\t]*([^\\n]*)"
          + "|(?im)^[ \\t*#]*answer[ \\t*]*[:：][ \\t*]*([^\\n]*)");
  private static final Pattern PROGRAM_HEADER = Pattern.compile("\\A\\s*#\\s*Python code");
  private static final Pattern ANS_LINE =
      Pattern.compile("(?m)^ans\\s*(?:[-+*/%]|//|\\*\\*)?=(?!=)");
  private static final Pattern CODE_LINE = Pattern.compile(
      "\\s*(?:#.*|(?:[A-Za-z_]\\w*(?:\\[[^\\]]*\\])?\\s*,\\s*)*[A-Za-z_]\\w*(?:\\[[^\\]]*\\])?\\s*"
          + "(?:[-+*/%]|//|\\*\\*)?=(?!=).*|(?:for|while|if|elif|else|print|break|continue|pass)\\b.*)");
  private static final Pattern FENCE =
      Pattern.compile("```[ \\t]*(?:python|py|python3)?[ \\t]*\\n(.*?)(?:```|\\z)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern TEXT_UNIT = Pattern.compile("\\\\(?:text|mbox)\\{ ");
  private static final Pattern SHORT_LHS = Pattern.compile("\\s*[A-Za-z]\\w{0,2}\\s*=\\s*([^=].*)", Pattern.DOTALL);

  private AnswerExtractor() {}

  /** {@return the final answer of {@code text}, as written, or empty when it has none} */
  static Optional<String> extract(@Nullable String text) {
    return find(text, null, null);
  }

  /** {@return the final answer of {@code text}}, running a program-of-thought text with {@code programs} */
  static Optional<String> extract(@Nullable String text, Function<String, Optional<String>> programs) {
    return find(text, null, programs);
  }

  /**
   * {@return the final answer of {@code text}, as written, or empty when it has none}, using {@code
   * hint} to tidy the answer and, when the text has no answer marker, to look for the last date,
   * number or choice letter instead of taking the whole text
   */
  static Optional<String> extract(@Nullable String text, Task hint) {
    return find(text, hint, null);
  }

  private static Optional<String> find(@Nullable String text, @Nullable Task hint,
      @Nullable Function<String, Optional<String>> programs) {
    if (text == null || text.isBlank()) return Optional.empty();
    String program = programSource(text);
    if (program != null) return programs == null ? Optional.empty() : programs.apply(program);

    String boxed = lastBoxed(text);
    if (boxed != null) {
      String answer = cleanMath(boxed);
      if (hint == Task.CHOICE || hint == Task.DATE || hint == Task.NUMBER) answer = tidy(answer, hint);
      return nonEmpty(answer);
    }

    String marked = lastGroup(GSM_MARK, text);
    if (marked == null || marked.isBlank()) {
      String fin = lastGroup(FINAL_ANSWER, text);
      if (fin != null && !fin.isBlank()) {
        Matcher m = FINAL_ANSWER_IS.matcher(fin);
        marked = m.find() ? m.group(1) : fin;
      }
    }
    if (marked != null && !marked.isBlank()) return nonEmpty(tidy(firstSentence(marked), hint));

    String a = lastGroup(A_MARK, text);
    if (a != null && !a.isBlank()) {
      String line = a.strip();
      if (hint == null || hint == Task.FREE) return nonEmpty(line);
      return nonEmpty(tidy(line, hint));
    }

    Matcher m = ANSWER_IS.matcher(text);
    String phrase = null;
    while (m.find()) {
      String g = m.group(1) != null ? m.group(1) : m.group(2);
      if (g != null && !g.isBlank()) phrase = g;
    }
    if (phrase != null) return nonEmpty(tidy(firstSentence(phrase), hint));

    if (hint == null || hint == Task.FREE) return nonEmpty(text.strip());
    return Optional.ofNullable(lastOfKind(text, hint));
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  // ---------------------------------------------------------------------------------- programs

  /** {@return the Python program in {@code text} that assigns {@code ans}, or null when it is not one} */
  static @Nullable String programSource(String text) {
    if (PROGRAM_HEADER.matcher(text).find()) return text;
    if (text.contains("```")) {
      Matcher f = FENCE.matcher(text);
      String last = null;
      while (f.find()) {
        if (ANS_LINE.matcher(f.group(1)).find()) last = f.group(1);
      }
      return last;
    }
    if (!ANS_LINE.matcher(text).find() || text.contains("\\boxed")) return null;
    int lines = 0;
    int code = 0;
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      lines++;
      if (CODE_LINE.matcher(line).matches() || line.startsWith(" ") || line.startsWith("\t")) code++;
    }
    return code >= 0.9 * lines ? text : null;
  }

  // ------------------------------------------------------------------------------------- boxed

  /** {@return the content of the last {@code \boxed{...}} / {@code \fbox{...}} (or {@code \boxed x}), or null} */
  static @Nullable String lastBoxed(String text) {
    int at = Math.max(text.lastIndexOf("\\boxed"), text.lastIndexOf("\\fbox"));
    if (at < 0) return null;
    int p = at + (text.startsWith("\\boxed", at) ? 6 : 5);
    while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
      p++;
      if (p < text.length() && text.charAt(p) != '{') {
        // "\boxed 5": the rest up to a space, $ or end of line
        int end = p;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != '$') end++;
        return text.substring(p, end);
      }
    }
    if (p >= text.length() || text.charAt(p) != '{') return null;
    int depth = 0;
    for (int k = p; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '\\' && k + 1 < text.length()) {
        k++; // skip escaped \{ and \}
        continue;
      }
      if (c == '{') depth++;
      else if (c == '}' && --depth == 0) return text.substring(p + 1, k);
    }
    return null; // unclosed: truncated output
  }

  /** Cleans a {@code \boxed{}} content as Qwen2.5-Math's {@code strip_string} does (the parts that matter for votes). */
  static String cleanMath(String s) {
    String t = s.replace("\n", "").strip();
    while (t.endsWith(".")) t = t.substring(0, t.length() - 1).strip();
    t = t.replace("\\!", "").replace("\\\\", "\\");
    t = t.replace("tfrac", "frac").replace("dfrac", "frac");
    t = t.replace("\\left", "").replace("\\right", "");
    t = t.replace("^{\\circ}", "").replace("^\\circ", "");
    t = t.replace("\\$", "").replace("$", "");
    Matcher unit = TEXT_UNIT.matcher(t);
    if (unit.find() && unit.start() > 0) t = t.substring(0, unit.start());
    t = t.replace("\\%", "").replace("%", "");
    t = t.replace(" .", " 0.").replace("{.", "{0.");
    t = t.replace(" ", "");
    if (t.startsWith(".")) t = "0" + t;
    return t;
  }

  // -------------------------------------------------------------------------------------- tidy

  /** {@return the last non-blank group 1 of {@code p} in {@code text}, or null} */
  private static @Nullable String lastGroup(Pattern p, String text) {
    Matcher m = p.matcher(text);
    String last = null;
    while (m.find()) {
      if (!m.group(1).isBlank()) last = m.group(1);
    }
    return last;
  }

  /** Cuts a phrase at the end of its first sentence (a period followed by a space or the end). */
  private static String firstSentence(String phrase) {
    String s = phrase.strip();
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if ((c == '.' || c == '!' || c == '?' || c == ';') && (k + 1 == s.length() || Character.isWhitespace(s.charAt(k + 1)))) {
        return s.substring(0, k);
      }
    }
    return s;
  }

  /** Tidies an answer phrase; see the class comment. */
  static String tidy(String phrase, @Nullable Task hint) {
    String s = phrase.strip();
    String inner = lastBoxed(s);
    if (inner != null) return cleanMath(inner);
    s = unwrap(s);
    if (hint == Task.DATE) {
      Matcher d = DATE.matcher(s);
      String last = null;
      while (d.find()) last = d.group(1);
      if (last != null) return last;
    }
    if (hint != Task.DATE && hint != Task.NUMBER) {
      Matcher c = CHOICE.matcher(s);
      if (c.matches()) {
        String g = c.group(1) != null ? c.group(1) : c.group(2) != null ? c.group(2) : c.group(3);
        return java.util.Objects.requireNonNull(g).toUpperCase(Locale.ROOT);
      }
      if (hint == Task.CHOICE) {
        Matcher loose = CHOICE_LOOSE.matcher(s);
        if (loose.matches()) return loose.group(1);
        Matcher any = CHOICE_ANYWHERE.matcher(s);
        String last = null;
        while (any.find()) last = any.group(1) != null ? any.group(1) : any.group(2);
        if (last != null) return last;
      }
    }
    Matcher d = DATE.matcher(s);
    if (d.lookingAt()) return d.group(1);
    Matcher n = NUMBER_WITH_UNIT.matcher(s);
    if (n.matches()) return cleanNumber(n.group(1));
    Matcher lhs = SHORT_LHS.matcher(s);
    if (lhs.matches()) return tidy(lhs.group(1), hint);
    if ((hint == Task.NUMBER || hint == Task.MATH) && !s.contains("\\")) {
      String last = lastNumber(s);
      if (last != null) return last;
    }
    return s;
  }

  /** Removes markdown emphasis, math delimiters and trailing punctuation around an answer. */
  private static String unwrap(String phrase) {
    String s = phrase.strip();
    String before;
    do {
      before = s;
      s = s.strip();
      while (!s.isEmpty() && ".,;:!".indexOf(s.charAt(s.length() - 1)) >= 0) s = s.substring(0, s.length() - 1).strip();
      s = strip(s, "**", "**");
      s = strip(s, "*", "*");
      s = strip(s, "`", "`");
      s = strip(s, "\\(", "\\)");
      s = strip(s, "\\[", "\\]");
      s = strip(s, "$$", "$$");
      if (s.length() > 1 && s.startsWith("$") && s.endsWith("$") && s.indexOf('$', 1) == s.length() - 1) {
        s = s.substring(1, s.length() - 1);
      }
      if (s.startsWith("\"") && s.endsWith("\"") && s.length() > 1) s = s.substring(1, s.length() - 1);
    } while (!s.equals(before));
    return s;
  }

  private static String strip(String s, String open, String close) {
    if (s.length() >= open.length() + close.length() && s.startsWith(open) && s.endsWith(close)) {
      return s.substring(open.length(), s.length() - close.length()).strip();
    }
    return s;
  }

  /** "$ 1,000" -> "1,000", "−5" -> "-5", "- 5" -> "-5". */
  private static String cleanNumber(String n) {
    return n.replace("$", "").replace('−', '-').replace(" ", "").replace("+", "").replace("--", "");
  }

  private static @Nullable String lastNumber(String s) {
    Matcher m = NUMBER_TOKEN.matcher(s);
    String last = null;
    while (m.find()) last = m.group();
    return last == null ? null : cleanNumber(last);
  }

  private static @Nullable String lastOfKind(String text, Task hint) {
    switch (hint) {
      case DATE -> {
        Matcher d = DATE.matcher(text);
        String last = null;
        while (d.find()) last = d.group(1);
        return last;
      }
      case CHOICE -> {
        Matcher c = CHOICE_ANYWHERE.matcher(text);
        String last = null;
        while (c.find()) last = c.group(1) != null ? c.group(1) : c.group(2);
        return last;
      }
      case NUMBER, MATH -> {
        return lastNumber(text);
      }
      default -> {
        return text.strip();
      }
    }
  }
}

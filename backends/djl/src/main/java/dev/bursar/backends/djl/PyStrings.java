package dev.bursar.backends.djl;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python string methods chat templates call ({@code content.strip()},
 * {@code content.split('</think>')[-1]}, {@code role.startswith('sys')}, ...), which Jinjava does
 * not have: Jinja evaluates them on Python strings, Jinjava would look for Java methods of that name.
 * Answers only method calls on strings it knows; everything else goes on to Jinjava's resolver.
 */
final class PyStrings extends ELResolver {

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (!(base instanceof String s) || method == null) return null;
    Object[] p = params == null ? new Object[0] : params;
    Object result = call(s, method.toString(), p);
    if (result != null) context.setPropertyResolved(true);
    return result;
  }

  /** {@return the method's result, or null when it is not one of the supported methods} */
  static Object call(String s, String method, Object[] p) {
    return switch (method) {
      case "strip" -> p.length == 0 || p[0] == null ? s.strip() : rstrip(lstrip(s, str(p[0])), str(p[0]));
      case "lstrip" -> p.length == 0 || p[0] == null ? s.stripLeading() : lstrip(s, str(p[0]));
      case "rstrip" -> p.length == 0 || p[0] == null ? s.stripTrailing() : rstrip(s, str(p[0]));
      case "startswith" -> anyOf(p[0], s::startsWith);
      case "endswith" -> anyOf(p[0], s::endsWith);
      case "split" -> split(s, p.length > 0 ? p[0] : null, p.length > 1 ? ((Number) p[1]).intValue() : -1);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "replace" -> s.replace(str(p[0]), str(p[1]));
      case "find" -> (long) s.indexOf(str(p[0]));
      case "join" -> join(s, p[0]);
      default -> null;
    };
  }

  private static String str(Object o) {
    return String.valueOf(o);
  }

  /** Python's startswith/endswith take one string or a tuple (a list here) of them. */
  private static boolean anyOf(Object arg, java.util.function.Predicate<String> test) {
    if (arg instanceof Iterable<?> it) {
      for (Object o : it) if (test.test(str(o))) return true;
      return false;
    }
    return test.test(str(arg));
  }

  private static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) i++;
    return s.substring(i);
  }

  private static String rstrip(String s, String chars) {
    int j = s.length();
    while (j > 0 && chars.indexOf(s.charAt(j - 1)) >= 0) j--;
    return s.substring(0, j);
  }

  /** Python's split: on runs of whitespace without a separator (no empty parts), else on the separator exactly. */
  private static List<String> split(String s, Object sep, int max) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      String rest = s.strip();
      while (!rest.isEmpty()) {
        int i = 0;
        while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) i++;
        if (max >= 0 && out.size() == max) {
          out.add(rest);
          return out;
        }
        out.add(rest.substring(0, i));
        rest = rest.substring(i).stripLeading();
      }
      return out;
    }
    String d = str(sep);
    if (d.isEmpty()) throw new IllegalArgumentException("empty separator");
    int from = 0;
    while (max < 0 || out.size() < max) {
      int at = s.indexOf(d, from);
      if (at < 0) break;
      out.add(s.substring(from, at));
      from = at + d.length();
    }
    out.add(s.substring(from));
    return out;
  }

  private static String title(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean prevLetter = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(prevLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
      prevLetter = Character.isLetter(c);
    }
    return b.toString();
  }

  private static String join(String sep, Object items) {
    List<String> parts = new ArrayList<>();
    if (items instanceof Iterable<?> it) for (Object o : it) parts.add(str(o));
    else parts.add(str(items));
    return String.join(sep, parts);
  }

  // A resolver for method calls only: properties are Jinjava's.
  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // nothing: strings are immutable
  }
}

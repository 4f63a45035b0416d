package dev.bursar.backends.djl;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers defines it for chat templates: Python's
 * {@code json.dumps(x, ensure_ascii=False, indent=indent)}, so keys keep their order, items are
 * separated by {@code ", "} (by {@code ","} and newlines with an indent) and nothing is HTML-escaped.
 */
final class TemplateJson implements Filter {

  @Override
  public String getName() {
    return "tojson";
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
    return write(var, args.length > 0 ? Integer.parseInt(args[0].strip()) : -1);
  }

  @Override
  public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
    return write(var, indent == null ? -1 : Integer.parseInt(String.valueOf(indent).strip()));
  }

  /** {@return {@code v} as JSON; {@code indent} < 0 for one line} */
  static String write(Object v, int indent) {
    StringBuilder out = new StringBuilder();
    write(v, indent, 0, out);
    return out.toString();
  }

  private static void write(Object v, int indent, int depth, StringBuilder out) {
    switch (v) {
      case null -> out.append("null");
      case Boolean b -> out.append(b);
      case Double d when d.isNaN() -> out.append("NaN");
      case Number n -> out.append(n);
      case CharSequence s -> string(s.toString(), out);
      case Map<?, ?> m -> container(m.entrySet(), '{', '}', indent, depth, out);
      case Iterable<?> it -> container(it, '[', ']', indent, depth, out);
      case Object[] a -> container(java.util.Arrays.asList(a), '[', ']', indent, depth, out);
      default -> string(v.toString(), out);
    }
  }

  private static void container(Iterable<?> items, char open, char close, int indent, int depth, StringBuilder out) {
    out.append(open);
    boolean first = true;
    for (Object item : items) {
      if (!first) out.append(indent < 0 ? ", " : ",");
      first = false;
      if (indent >= 0) out.append('\n').append(" ".repeat(indent * (depth + 1)));
      if (item instanceof Map.Entry<?, ?> e) {
        string(String.valueOf(e.getKey()), out);
        out.append(": ");
        write(e.getValue(), indent, depth + 1, out);
      } else {
        write(item, indent, depth + 1, out);
      }
    }
    if (indent >= 0 && !first) out.append('\n').append(" ".repeat(indent * depth));
    out.append(close);
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    out.append('"');
  }
}

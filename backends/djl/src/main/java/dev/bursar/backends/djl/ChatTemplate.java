package dev.bursar.backends.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A checkpoint's chat template (the Jinja {@code chat_template} of {@code tokenizer_config.json},
 * or a {@code chat_template.jinja} next to it), rendered with Jinjava the way transformers'
 * {@code apply_chat_template} renders it: {@code trim_blocks} and {@code lstrip_blocks} on, one
 * trailing newline of the source dropped, {@code messages}, {@code add_generation_prompt},
 * {@code bos_token} and {@code eos_token} in scope, and transformers' globals
 * {@code raise_exception(message)}, {@code strftime_now(format)} and its {@code tojson} filter, and
 * the Python string methods templates call ({@link PyStrings}).
 *
 * <p>Not supported: tools and tool calls (messages carry a role and text only).
 */
public final class ChatTemplate {
  /** The file a checkpoint keeps its tokenizer settings and template in. */
  public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  /** Where newer transformers save the template instead. */
  public static final String JINJA_FILE = "chat_template.jinja";

  /** One chat message. */
  public record Message(String role, String content) {
    public Message {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(content, "content");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ScopedValue<Clock> CLOCK = ScopedValue.newInstance();
  private static final Jinjava JINJAVA = jinjava();

  private final String source;
  private final String bosToken;
  private final String eosToken;
  private final Clock clock;

  private ChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
    // Jinja2 (keep_trailing_newline=False) drops one trailing newline of the source
    this.source = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
    this.clock = clock;
  }

  /** {@return a template with the given special-token strings, dated by the system clock} */
  public static ChatTemplate of(String source, String bosToken, String eosToken) {
    return new ChatTemplate(source, bosToken, eosToken, Clock.systemDefaultZone());
  }

  /** {@return this template with {@code strftime_now} reading {@code c} (tests pin the date)} */
  public ChatTemplate withClock(Clock c) {
    return new ChatTemplate(source, bosToken, eosToken, Objects.requireNonNull(c, "clock"));
  }

  /**
   * {@return the chat template of the checkpoint in {@code dir}, or empty when it has none}
   *
   * @throws IllegalArgumentException when {@code tokenizer_config.json} cannot be read
   */
  public static Optional<ChatTemplate> read(Path dir) {
    JsonNode cfg = JSON.createObjectNode();
    Path f = dir.resolve(TOKENIZER_CONFIG);
    if (Files.isRegularFile(f)) {
      try {
        cfg = JSON.readTree(f.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    String source = null;
    Path jinja = dir.resolve(JINJA_FILE);
    try {
      if (Files.isRegularFile(jinja)) source = Files.readString(jinja);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jinja, e);
    }
    if (source == null) source = templateIn(cfg.get("chat_template"));
    if (source == null) return Optional.empty();
    return Optional.of(of(source, tokenString(cfg.get("bos_token")), tokenString(cfg.get("eos_token"))));
  }

  /** A string, or a list of named templates of which the one called "default" is the chat template. */
  private static String templateIn(JsonNode t) {
    if (t == null || t.isNull()) return null;
    if (t.isTextual()) return t.asText();
    if (t.isArray()) {
      for (JsonNode named : t) if ("default".equals(named.path("name").asText())) return named.path("template").asText();
    }
    return null;
  }

  /** Special tokens are written as a string or as an AddedToken object with the string in "content". */
  private static String tokenString(JsonNode t) {
    if (t == null || t.isNull()) return "";
    return t.isTextual() ? t.asText() : t.path("content").asText("");
  }

  /**
   * {@return the prompt for {@code messages}}, ending with the assistant's header when
   * {@code addGenerationPrompt}
   *
   * @throws IllegalArgumentException when the template refuses the conversation
   *     ({@code raise_exception}, e.g. "Conversation roles must alternate") or fails, with its message
   */
  public String render(List<Message> messages, boolean addGenerationPrompt) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("role", m.role());
      o.put("content", m.content());
      msgs.add(o);
    }
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("messages", msgs);
    ctx.put("add_generation_prompt", addGenerationPrompt);
    ctx.put("bos_token", bosToken);
    ctx.put("eos_token", eosToken);
    // templates test "strftime_now is defined" before calling it; functions are not variables in Jinjava
    ctx.put("strftime_now", Boolean.TRUE);
    RenderResult r = ScopedValue.where(CLOCK, clock).call(() -> JINJAVA.renderForResult(source, ctx));
    for (TemplateError e : r.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL) throw new IllegalArgumentException("chat template: " + reason(e));
    }
    return r.getOutput();
  }

  /** {@return the message of a raise_exception call when the error is one, else Jinjava's} */
  private static String reason(TemplateError e) {
    for (Throwable t = e.getException(); t != null; t = t.getCause()) {
      if (t instanceof TemplateRaised raised) return raised.getMessage();
    }
    return e.getMessage() + (e.getFieldName() == null ? "" : " (" + e.getFieldName() + ")");
  }

  private static Jinjava jinjava() {
    var resolver = new jinjava.javax.el.CompositeELResolver();
    resolver.add(new PyStrings());
    resolver.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withElResolver(resolver)
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withKeepTrailingNewline(true)
        // Jinja2's semantics where Jinjava's defaults differ (HubSpot's legacy behaviour)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .withHandleBackslashInQuotesOnly(true)
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .build())
        .build();
    Jinjava j = new Jinjava(config);
    try {
      j.registerFunction(new ELFunctionDefinition("", "raise_exception",
          ChatTemplate.class.getMethod("raiseException", String.class)));
      j.registerFunction(new ELFunctionDefinition("", "strftime_now",
          ChatTemplate.class.getMethod("strftimeNow", String.class)));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    j.registerFilter(new TemplateJson());
    return j;
  }

  /** The template's refusal of a conversation. */
  static final class TemplateRaised extends RuntimeException {
    TemplateRaised(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code raise_exception(message)}: the template refuses the conversation. Public for Jinjava. */
  public static String raiseException(String message) {
    throw new TemplateRaised(message);
  }

  /** {@code strftime_now(format)}: now, in a Python strftime format. Public for Jinjava. */
  public static String strftimeNow(String format) {
    Clock c = CLOCK.isBound() ? CLOCK.get() : Clock.systemDefaultZone();
    return Strftime.format(format, java.time.ZonedDateTime.now(c));
  }
}

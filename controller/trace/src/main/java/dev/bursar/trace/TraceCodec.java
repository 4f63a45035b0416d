package dev.bursar.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes one {@link TraceRecord} per JSON line. The layout is the sample pools' (see
 * shared/data/README.md) plus optional fields: {@code schema_version}, {@code plan},
 * {@code features}, {@code outcome}, and per sample {@code finish}. Unknown fields are ignored so
 * newer logs stay readable; missing or mistyped required fields fail with the field's path.
 */
public final class TraceCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TraceCodec() {}

  /** Thrown by {@link #decode(String)} with the JSON path of the offending field. */
  public static final class BadRecord extends RuntimeException {
    BadRecord(String message) {
      super(message);
    }
  }

  /** {@return the record on this line} @throws BadRecord naming the field that is wrong */
  public static TraceRecord decode(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadRecord("not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new BadRecord("expected a JSON object per line");
    int schema = root.has("schema_version") ? (int) integer(root, "schema_version", 1) : 1;
    if (schema != TraceRecord.SCHEMA_VERSION) {
      throw new BadRecord("schema_version " + schema + " is not supported (this build reads "
          + TraceRecord.SCHEMA_VERSION + ")");
    }
    JsonNode samplesNode = root.get("samples");
    if (samplesNode == null || !samplesNode.isArray()) throw new BadRecord("samples: expected an array");
    List<TraceRecord.Sample> samples = new ArrayList<>(samplesNode.size());
    for (int i = 0; i < samplesNode.size(); i++) {
      JsonNode s = samplesNode.get(i);
      String at = "samples[" + i + "]";
      if (!s.isObject()) throw new BadRecord(at + ": expected an object");
      long tokens = integer(s, "tokens", 0, at);
      if (tokens > Integer.MAX_VALUE) throw new BadRecord(at + ".tokens: too large: " + tokens);
      samples.add(new TraceRecord.Sample(
          optString(s, "text", at), optString(s, "answer", at), optBoolean(s, "correct", at),
          (int) tokens, optDouble(s, "mean_logprob", at), optDouble(s, "score", at), optString(s, "finish", at)));
    }
    Map<String, Double> features = new LinkedHashMap<>();
    JsonNode f = root.get("features");
    if (f != null && !f.isNull()) {
      if (!f.isObject()) throw new BadRecord("features: expected an object of numbers");
      for (var it = f.properties().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isNumber()) throw new BadRecord("features." + e.getKey() + ": expected a number");
        features.put(e.getKey(), e.getValue().doubleValue());
      }
    }
    return new TraceRecord(
        schema,
        string(root, "pool"),
        integer(root, "qid", Long.MIN_VALUE),
        string(root, "question"),
        optString(root, "gold", ""),
        root.hasNonNull("model") ? string(root, "model") : "unknown",
        root.hasNonNull("task") ? string(root, "task") : "unknown",
        samples,
        optString(root, "plan", ""),
        features,
        outcome(root.get("outcome")),
        optString(root, "request_id", ""));
  }

  /** {@return the record as one JSON line, without a trailing newline} */
  public static String encode(TraceRecord r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("schema_version", r.schemaVersion());
    o.put("pool", r.pool());
    o.put("qid", r.qid());
    o.put("question", r.question());
    o.put("gold", r.gold());
    o.put("model", r.model());
    o.put("task", r.task());
    ArrayNode samples = o.putArray("samples");
    for (var s : r.samples()) {
      ObjectNode n = samples.addObject();
      n.put("text", s.text());
      n.put("answer", s.answer());
      n.put("correct", s.correct());
      n.put("tokens", s.tokens());
      n.put("mean_logprob", s.meanLogprob());
      n.put("score", s.score());
      if (s.finish() != null) n.put("finish", s.finish());
    }
    if (r.plan() != null) o.put("plan", r.plan());
    if (r.requestId() != null) o.put("request_id", r.requestId());
    if (!r.features().isEmpty()) {
      ObjectNode f = o.putObject("features");
      r.features().forEach(f::put);
    }
    var out = r.outcome();
    if (out != null) {
      ObjectNode n = o.putObject("outcome");
      n.put("kind", out.kind());
      n.put("answer", out.answer());
      n.put("mode", out.mode());
      n.put("input_tokens", out.inputTokens());
      n.put("output_tokens", out.outputTokens());
      ArrayNode exits = n.putArray("exits");
      out.exits().forEach(exits::add);
      n.put("millis", out.millis());
    }
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode trace record " + r.qid(), e);
    }
  }

  private static TraceRecord.@Nullable OutcomeSummary outcome(@Nullable JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (!n.isObject()) throw new BadRecord("outcome: expected an object");
    List<String> exits = new ArrayList<>();
    JsonNode e = n.get("exits");
    if (e != null && e.isArray()) e.forEach(x -> exits.add(x.asText()));
    return new TraceRecord.OutcomeSummary(
        string(n, "kind", "outcome"), optString(n, "answer", "outcome"), string(n, "mode", "outcome"),
        integer(n, "input_tokens", 0, "outcome"), integer(n, "output_tokens", 0, "outcome"), exits,
        integer(n, "millis", 0, "outcome"));
  }

  private static String path(String at, String field) {
    return at.isEmpty() ? field : at + "." + field;
  }

  private static String string(JsonNode o, String field) {
    return string(o, field, "");
  }

  private static String string(JsonNode o, String field, String at) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) throw new BadRecord(path(at, field) + ": missing (expected a string)");
    if (!v.isTextual()) throw new BadRecord(path(at, field) + ": expected a string, found " + v);
    return v.asText();
  }

  private static @Nullable String optString(JsonNode o, String field, String at) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new BadRecord(path(at, field) + ": expected a string or null, found " + v);
    return v.asText();
  }

  private static @Nullable Boolean optBoolean(JsonNode o, String field, String at) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isBoolean()) throw new BadRecord(path(at, field) + ": expected true, false or null, found " + v);
    return v.asBoolean();
  }

  private static @Nullable Double optDouble(JsonNode o, String field, String at) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isNumber()) throw new BadRecord(path(at, field) + ": expected a number or null, found " + v);
    return v.doubleValue();
  }

  private static long integer(JsonNode o, String field, long min) {
    return integer(o, field, min, "");
  }

  private static long integer(JsonNode o, String field, long min, String at) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) throw new BadRecord(path(at, field) + ": missing (expected an integer)");
    if (!v.isIntegralNumber()) throw new BadRecord(path(at, field) + ": expected an integer, found " + v);
    long x = v.asLong();
    if (x < min) throw new BadRecord(path(at, field) + ": must be >= " + min + ", found " + x);
    return x;
  }
}

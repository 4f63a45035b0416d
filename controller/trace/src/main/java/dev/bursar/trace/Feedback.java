package dev.bursar.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bursar.controller.Answers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches feedback ({@link TraceLog#feedback}) to the records it names: a gold answer becomes the
 * record's gold; a verdict of "right" makes the answer given the gold; a verdict of "wrong" marks
 * every sample that voted for the answer given as wrong (the right answer stays unknown). Later
 * feedback on the same request wins.
 */
final class Feedback {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Feedback() {}

  static List<TraceRecord> apply(List<TraceRecord> records, Path feedbackFile, PrintStream warnings) {
    if (!Files.exists(feedbackFile)) return records;
    Map<String, JsonNode> byId = new HashMap<>();
    try {
      long n = 0;
      for (String line : Files.readAllLines(feedbackFile, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) continue;
        try {
          JsonNode node = JSON.readTree(line);
          if (node.hasNonNull("request_id")) byId.put(node.get("request_id").asText(), node);
        } catch (IOException e) {
          warnings.printf("warning: %s: skipped a torn line %d%n", feedbackFile, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + feedbackFile + ": " + e.getMessage(), e);
    }
    List<TraceRecord> out = new ArrayList<>(records.size());
    for (TraceRecord r : records) {
      JsonNode f = r.requestId() == null ? null : byId.get(r.requestId());
      out.add(f == null ? r : apply(r, f));
    }
    return out;
  }

  private static TraceRecord apply(TraceRecord r, JsonNode f) {
    String given = r.outcome() == null ? null : r.outcome().answer();
    if (f.hasNonNull("gold")) return r.withGold(f.get("gold").asText());
    if (!f.hasNonNull("correct") || given == null) return r;
    if (f.get("correct").asBoolean()) return r.withGold(given);
    String wrong = Answers.normalize(given);
    return r.withSamples(r.samples().stream()
        .map(s -> wrong != null && wrong.equals(Answers.normalize(s.answer())) ? s.withCorrect(false) : s).toList());
  }
}

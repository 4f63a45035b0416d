package dev.bursar.backends.djl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.QuestionParser;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.StoppingRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Asks the embedded model a question as a person types it ("What is 17+25*3?"): parses it with
 * the task's {@link QuestionParser}, runs it through the {@link ComputeController} (one greedy answer
 * or a majority vote of several), and reports answer, thinking, tokens and time. The logic behind
 * {@code bursar ask}.
 */
public final class EmbeddedAsk {

  /**
   * The reply.
   *
   * @param expression the canonical expression the question was parsed to
   * @param answer the model's (voted) answer, or null when it produced none
   * @param thinking the thinking of the first sample that gave {@code answer}
   * @param tokens output tokens over all samples
   * @param votes answer counts over the samples
   * @param expected the exact value of the expression (the task is synthetic, so it is known)
   */
  public record Reply(
      String question, String expression, @Nullable Long answer, String thinking, int samples, int tokens,
      long millis, Map<Long, Integer> votes, long expected) {

    public boolean correct() {
      return answer != null && answer == expected;
    }

    public String toJson() {
      ObjectMapper json = new ObjectMapper();
      ObjectNode n = json.createObjectNode();
      n.put("question", question);
      n.put("expression", expression);
      if (answer == null) n.putNull("answer");
      else n.put("answer", answer);
      n.put("thinking", thinking);
      n.put("tokens", tokens);
      n.put("millis", millis);
      n.put("samples", samples);
      ObjectNode v = n.putObject("votes");
      votes.forEach((k, c) -> v.put(Long.toString(k), c));
      n.put("expected", expected);
      n.put("correct", correct());
      try {
        return json.writeValueAsString(n);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    public String toText() {
      StringBuilder sb = new StringBuilder();
      sb.append("answer:   ").append(answer == null ? "(none)" : answer).append('\n');
      sb.append("thinking:\n");
      for (String line : thinking.split("\n")) if (!line.isBlank()) sb.append("  ").append(line).append('\n');
      if (samples > 1) sb.append("votes:    ").append(votes).append(" over ").append(samples).append(" samples\n");
      sb.append(String.format(Locale.ROOT, "tokens:   %d%nmillis:   %d%n", tokens, millis));
      sb.append("exact:    ").append(expected).append(correct() ? " (correct)" : " (wrong)").append('\n');
      return sb.toString();
    }
  }

  private EmbeddedAsk() {}

  /**
   * Asks through a {@link ComputeController}, as the sidecar does: one greedy FAST answer, or
   * self-consistency over {@code samples} drawn in one wave.
   *
   * @param samples 1 for a single answer; more for a majority vote
   * @param temperature 0 for greedy; ignored as 0 would make every sample equal when samples &gt; 1
   * @throws IllegalArgumentException when the question is not arithmetic the model was trained on
   */
  public static Reply ask(DjlBackend backend, String question, int samples, double temperature, long seed) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, was " + samples);
    Problem p = QuestionParser.parseProblem(question);
    int cap = ArithmeticTask.MAX_SEQUENCE_TOKENS;
    Plan plan = samples == 1 && temperature == 0 ? Plan.fast(cap)
        : Plan.selfConsistency(new Mode.SelfConsistency(samples, samples, StoppingRules.never(), null, false), cap)
            .withSampling(new Sampling(temperature == 0 ? 0.8 : temperature, 1.0, 0, seed));
    List<RunRecord> records = new ArrayList<>(1);
    var controller = ComputeController.builder().backend(backend).plan(plan)
        .budget(Budget.ofTokens((long) samples * cap)).traceSink(records::add).build();
    Outcome out = controller.run(Request.of(p.prompt()));
    if (out instanceof Outcome.Failed f) throw new IllegalStateException("the model failed: " + f.error());
    Map<Long, Integer> votes = new LinkedHashMap<>();
    for (RunRecord.Sample s : records.getFirst().samples()) {
      Long a = number(s.answer());
      if (a != null) votes.merge(a, 1, Integer::sum);
    }
    String text = out instanceof Outcome.Answered a ? a.text() : records.getFirst().samples().getFirst().text();
    Long answer = out instanceof Outcome.Answered a ? number(a.answer()) : null;
    return new Reply(question, p.expression(), answer, thinking(text), out.spend().samples(),
        (int) out.spend().outputTokens(), out.spend().elapsed().toMillis(), votes, p.answer());
  }

  private static @Nullable Long number(@Nullable String answer) {
    if (answer == null) return null;
    try {
      return Long.parseLong(answer.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@return the text between {@code <think>} and {@code </think>} (or the end)} */
  static String thinking(String text) {
    int open = text.indexOf(ArithmeticTask.THINK_OPEN);
    int from = open < 0 ? 0 : open + ArithmeticTask.THINK_OPEN.length();
    int close = text.indexOf(ArithmeticTask.THINK_CLOSE, from);
    return text.substring(from, close < 0 ? text.length() : close).strip();
  }
}

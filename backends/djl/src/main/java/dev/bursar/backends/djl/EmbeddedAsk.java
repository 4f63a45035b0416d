package dev.bursar.backends.djl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.djl.task.AnswerChecker;
import dev.bursar.backends.djl.task.ArithmeticTask;
import dev.bursar.backends.djl.task.Problem;
import dev.bursar.backends.djl.task.QuestionParser;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Asks the embedded model a question as a person types it ("What is 17+25*3?"): parses it with
 * the task's {@link QuestionParser}, samples one greedy answer or a majority vote of several, and
 * reports answer, thinking, tokens and time. The logic behind {@code bursar ask}.
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
   * @param samples 1 for a single answer; more for a majority vote
   * @param temperature 0 for greedy; ignored as 0 would make every sample equal when samples &gt; 1
   * @throws IllegalArgumentException when the question is not arithmetic the model was trained on
   */
  public static Reply ask(DjlBackend backend, String question, int samples, double temperature, long seed) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, was " + samples);
    Problem p = QuestionParser.parseProblem(question);
    Sampling sampling = samples == 1 && temperature == 0 ? Sampling.GREEDY
        : new Sampling(temperature == 0 ? 0.8 : temperature, 1.0, 0, seed);
    long start = System.nanoTime();
    List<Generation> gens = backend.generate(
        GenerationRequest.of(p.prompt(), samples, ArithmeticTask.MAX_SEQUENCE_TOKENS, sampling), TokenListener.NONE);
    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<Long, Integer> votes = new LinkedHashMap<>();
    int tokens = 0;
    for (Generation g : gens) {
      tokens += g.outputTokens();
      OptionalLong a = AnswerChecker.extractAnswer(g.text());
      if (a.isPresent()) votes.merge(a.getAsLong(), 1, Integer::sum);
    }
    Long best = null;
    int bestCount = 0;
    for (var e : votes.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    String thinking = thinking(gens.getFirst().text());
    for (Generation g : gens) {
      OptionalLong a = AnswerChecker.extractAnswer(g.text());
      if (best != null && a.isPresent() && a.getAsLong() == best) {
        thinking = thinking(g.text());
        break;
      }
    }
    return new Reply(question, p.expression(), best, thinking, samples, tokens, millis, votes, p.answer());
  }

  /** {@return the text between {@code <think>} and {@code </think>} (or the end)} */
  static String thinking(String text) {
    int open = text.indexOf(ArithmeticTask.THINK_OPEN);
    int from = open < 0 ? 0 : open + ArithmeticTask.THINK_OPEN.length();
    int close = text.indexOf(ArithmeticTask.THINK_CLOSE, from);
    return text.substring(from, close < 0 ? text.length() : close).strip();
  }
}

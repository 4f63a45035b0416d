package dev.bursar.sidecar.serve;

import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FakeBackend;
import java.util.EnumSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link FakeBackend} that behaves like the embedded model on a few questions: it continues the
 * known solution from wherever the prompt left off ({@code <think>...</think>A:92\n}), so FAST with
 * probes, SELF_CONSISTENCY and DEEP_SEARCH all reach the answer. {@code 1+1} produces nothing (every
 * mode abstains), {@code 2+2} makes the backend fail.
 */
final class ScriptedModel {
  static final String SOLUTION = "<think>25*3=75;17+75\n17+75=92\n</think>A:92\n";
  static final Map<String, String> SOLUTIONS = Map.of("Q:17+25*3\n", SOLUTION, "Q:1+1\n", "");
  static final String FAILING = "Q:2+2\n";
  /** What the embedded model's backend offers (no recorded answers: votes come from the text). */
  static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.LOGPROBS, Capability.TOP_LOGPROBS,
      Capability.HIDDEN_STATES, Capability.CANCELLATION, Capability.STEPWISE);

  private ScriptedModel() {}

  /** {@return a fake backend running the script; every prompt it sees is added to {@code prompts}} */
  static FakeBackend backend(Queue<String> prompts) {
    return new FakeBackend((prompt, draw) -> {
      prompts.add(prompt);
      return continuation(prompt);
    }, CAPABILITIES);
  }

  static FakeBackend backend() {
    return backend(new ConcurrentLinkedQueue<>());
  }

  static String continuation(String prompt) {
    int q = prompt.indexOf('\n') + 1;
    String question = prompt.substring(0, q);
    String done = prompt.substring(q);
    if (question.equals(FAILING)) throw new BackendException("connection reset by the model server", true);
    String full = SOLUTIONS.getOrDefault(question, "");
    if (full.startsWith(done)) return full.substring(done.length());
    // A probe or a forced answer after a partial chain: this model has already converged.
    if (done.endsWith("</think>A:") && full.contains("A:")) return full.substring(full.lastIndexOf("A:") + 2);
    return "";
  }
}

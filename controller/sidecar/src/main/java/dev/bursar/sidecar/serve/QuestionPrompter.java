package dev.bursar.sidecar.serve;

/**
 * Turns the user's question into the prompt the backend's model expects. The default (for the
 * embedded arithmetic model and checkpoints trained like it) parses the question with the task's
 * {@link dev.bursar.arithmetic.QuestionParser}; replace the bean for another model.
 */
@FunctionalInterface
public interface QuestionPrompter {

  /**
   * {@return the model prompt for {@code question}}
   *
   * @throws IllegalArgumentException when the model cannot answer the question; the message says
   *     what is wrong and what is accepted, and is shown to the client as is
   */
  String prompt(String question);
}

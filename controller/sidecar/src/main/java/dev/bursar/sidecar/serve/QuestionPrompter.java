package dev.bursar.sidecar.serve;

import dev.bursar.backends.djl.ChatTemplate;
import java.util.List;

/**
 * Turns the user's question into the prompt the backend's model expects. The default (for the
 * embedded arithmetic model and checkpoints trained like it) parses the question with the task's
 * {@link dev.bursar.arithmetic.QuestionParser}; a chat checkpoint renders the whole conversation
 * through its chat template ({@link #chat}); replace the bean for another model.
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

  /**
   * {@return the model prompt for a conversation whose last user message is {@code question}}; by
   * default the prompt of that question alone
   *
   * @throws IllegalArgumentException as {@link #prompt(String)}, or when the template refuses the conversation
   */
  default String conversation(List<ChatTemplate.Message> messages, String question) {
    return prompt(question);
  }

  /**
   * {@return whether the model answers in free text}: its whole reply is the answer, so a request
   * runs one sample (FAST): voting needs answers that can be compared, which free text is not
   */
  default boolean freeText() {
    return false;
  }

  /** {@return a prompter that renders conversations through a checkpoint's chat template} */
  static QuestionPrompter chat(ChatTemplate template) {
    return new QuestionPrompter() {
      @Override
      public String prompt(String question) {
        return template.render(List.of(new ChatTemplate.Message("user", question)), true);
      }

      @Override
      public String conversation(List<ChatTemplate.Message> messages, String question) {
        return template.render(messages, true);
      }

      @Override
      public boolean freeText() {
        return true;
      }
    };
  }

  /** {@return a prompter for a model without a chat template that is not the arithmetic one: the question as written} */
  static QuestionPrompter plainText() {
    return new QuestionPrompter() {
      @Override
      public String prompt(String question) {
        return question;
      }

      @Override
      public boolean freeText() {
        return true;
      }
    };
  }
}

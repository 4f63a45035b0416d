package dev.bursar.backends.langchain4j;

import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.QuestionParser;
import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.controller.ComputeController;
import dev.bursar.policies.Policies;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;

/** The README's LangChain4j example, compiled and run by {@link AgentOnEmbeddedModelTest}. */
final class ReadmeExample {
  private ReadmeExample() {}

  // README:begin
  interface Calculator {
    String answer(String question);
  }

  static String ask(String question) {
    try (var backend = DjlBackend.builder().embeddedModel().build()) {
      var controller = ComputeController.builder()
          .backend(backend)
          .policy(Policies.presets(Policies.selfConsistencyDefault()))   // votes, stops once settled
          .build();
      // The embedded model reads arithmetic in its own prompt format; another backend takes the question as is.
      ChatModel model = BursarChatModel.of(controller, q -> ArithmeticTask.prompt(QuestionParser.parse(q)));
      Calculator agent = AiServices.create(Calculator.class, model);
      return agent.answer(question);                                      // "92" for "What is 17+25*3?"
    }
  }
  // README:end
}

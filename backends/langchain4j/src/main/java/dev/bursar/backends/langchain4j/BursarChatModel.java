package dev.bursar.backends.langchain4j;

import dev.bursar.controller.ComputeController;
import dev.bursar.controller.ExitReason;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Request;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A LangChain4j {@link ChatModel} whose every answer is decided by a {@link ComputeController}:
 * the last user message is the question, the policy picks the mode, and the answer comes back as
 * the {@link AiMessage}. An answer cut short by the budget ends with {@link FinishReason#LENGTH};
 * a run that failed throws, as LangChain4j models do.
 *
 * {@snippet :
 * ChatModel model = BursarChatModel.of(controller);
 * Assistant agent = AiServices.create(Assistant.class, model);
 * }
 */
public final class BursarChatModel implements ChatModel {
  private final ComputeController controller;
  private final UnaryOperator<String> prompter;

  private BursarChatModel(ComputeController controller, UnaryOperator<String> prompter) {
    this.controller = Objects.requireNonNull(controller, "controller");
    this.prompter = Objects.requireNonNull(prompter, "prompter");
  }

  /** {@return a model that sends the user's question to the controller as it is} */
  public static BursarChatModel of(ComputeController controller) {
    return new BursarChatModel(controller, UnaryOperator.identity());
  }

  /** {@return a model that turns the question into the backend's prompt first (e.g. the embedded model's format)} */
  public static BursarChatModel of(ComputeController controller, UnaryOperator<String> prompter) {
    return new BursarChatModel(controller, prompter);
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    String question = lastUserText(request.messages());
    Request.Hints hints = Request.Hints.NONE;
    if (request.parameters().maxOutputTokens() != null) hints = hints.withMaxTokensPerSample(request.parameters().maxOutputTokens());
    if (request.parameters().temperature() != null) hints = hints.withTemperature(request.parameters().temperature());
    Outcome out = controller.run(Request.of(prompter.apply(question)).withHints(hints));
    var usage = new TokenUsage((int) out.spend().inputTokens(), (int) out.spend().outputTokens());
    return switch (out) {
      case Outcome.Answered a -> ChatResponse.builder().aiMessage(AiMessage.from(a.answer())).tokenUsage(usage)
          .modelName(controller.backend().name())
          .finishReason(a.exited(ExitReason.Limit.BUDGET) || a.exited(ExitReason.Limit.DEADLINE) ? FinishReason.LENGTH : FinishReason.STOP)
          .build();
      case Outcome.Abstained a -> ChatResponse.builder()
          .aiMessage(AiMessage.from(a.bestGuess() == null ? "" : a.bestGuess())).tokenUsage(usage)
          .modelName(controller.backend().name()).finishReason(FinishReason.LENGTH).build();
      case Outcome.Failed f -> throw new IllegalStateException("bursar could not answer: " + f.error());
    };
  }

  private static String lastUserText(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage u && u.hasSingleText()) return u.singleText();
    }
    throw new IllegalArgumentException("the chat request has no user message with text: bursar answers the last one");
  }
}

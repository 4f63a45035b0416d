package dev.bursar.backends.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LangChain4j model for tests: it writes the embedded model's chain for 17+25*3, one character a
 * token, honouring the output cap and stop sequences, and reports its usage as providers do.
 */
final class ScriptedChatModel implements ChatModel {
  static final String CHAIN = "<think>25*3=75\n17+75=92\n</think>A:92\n";
  final AtomicInteger calls = new AtomicInteger();

  @Override
  public ChatResponse doChat(ChatRequest request) {
    calls.incrementAndGet();
    Integer cap = request.parameters().maxOutputTokens();
    List<String> stops = request.parameters().stopSequences();
    String text = CHAIN;
    FinishReason finish = FinishReason.STOP;
    if (stops != null) {
      for (String s : stops) {
        int i = text.indexOf(s);
        if (i >= 0) text = text.substring(0, i);
      }
    }
    if (cap != null && text.length() > cap) {
      text = text.substring(0, cap);
      finish = FinishReason.LENGTH;
    }
    return ChatResponse.builder().aiMessage(AiMessage.from(text)).finishReason(finish)
        .tokenUsage(new TokenUsage(9, text.length())).build();
  }
}

package dev.bursar.backends.langchain4j;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A {@link Backend} over any LangChain4j {@link ChatModel}: each of the {@code n} sequences is one
 * chat call (in parallel, on virtual threads) with the prompt as the user message. The model's
 * own token usage is what is charged; a model that reports none is charged a rough four
 * characters a token. LangChain4j models do not stream through this interface, so sequences
 * cannot be cancelled: the listener sees each sequence's tokens after it is done.
 */
public final class ChatModelBackend implements Backend {
  private final ChatModel model;
  private final String name;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  public ChatModelBackend(ChatModel model, String name) {
    this.model = Objects.requireNonNull(model, "model");
    if (name.isBlank()) throw new IllegalArgumentException("name must not be blank");
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of();
  }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    if (closed) throw new BackendException(name + " is closed", false);
    List<Future<Generation>> fs = new ArrayList<>();
    for (int i = 0; i < request.n(); i++) {
      int index = i;
      fs.add(executor.submit(() -> one(request, index)));
    }
    List<Generation> out = new ArrayList<>();
    try {
      for (Future<Generation> f : fs) out.add(f.get());
    } catch (InterruptedException e) {
      fs.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for " + name, e, true);
    } catch (ExecutionException e) {
      fs.forEach(f -> f.cancel(true));
      throw new BackendException(name + " failed: " + e.getCause(), e.getCause(), true);
    }
    for (Generation g : out) {
      for (int p = 0; p < g.outputTokens(); p++) {
        if (!listener.onToken(g.index(), new TokenListener.TokenEvent(p, "", Double.NaN, Double.NaN))) break;
      }
    }
    return out;
  }

  private Generation one(GenerationRequest request, int index) {
    var params = ChatRequestParameters.builder().maxOutputTokens(request.maxTokens())
        .temperature(request.sampling().temperature());
    if (!request.stop().isEmpty()) params.stopSequences(request.stop());
    ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from(request.prompt()))
        .parameters(params.build()).build());
    String text = r.aiMessage() == null || r.aiMessage().text() == null ? "" : r.aiMessage().text();
    int in = r.tokenUsage() == null || r.tokenUsage().inputTokenCount() == null ? 0 : r.tokenUsage().inputTokenCount();
    int outTokens = r.tokenUsage() == null || r.tokenUsage().outputTokenCount() == null
        ? (text.isEmpty() ? 0 : Math.max(1, text.length() / 4)) : r.tokenUsage().outputTokenCount();
    FinishReason finish = r.finishReason() == dev.langchain4j.model.output.FinishReason.LENGTH ? FinishReason.LENGTH
        : request.stop().isEmpty() ? FinishReason.EOS : FinishReason.STOP;
    return Generation.of(index, text, in, Math.min(outTokens, request.maxTokens()), finish);
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}

package dev.bursar.sidecar.serve;

import dev.bursar.controller.ComputeController;
import dev.bursar.sidecar.serve.OpenAiApi.ChatRequest;
import dev.bursar.sidecar.serve.OpenAiApi.ModelInfo;
import dev.bursar.sidecar.serve.OpenAiApi.ModelList;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI-compatible endpoints: {@code POST /v1/chat/completions} (non-streaming) and
 * {@code GET /v1/models}. The body is decoded here rather than by the framework so that malformed
 * JSON gets the OpenAI error shape and a message that says where it broke.
 */
@Controller("/v1")
final class ChatCompletionsController {
  private final ChatService chat;
  private final ComputeController controller;
  private final ObjectMapper json;
  private final long started = System.currentTimeMillis() / 1000;

  ChatCompletionsController(ChatService chat, ComputeController controller, ObjectMapper json) {
    this.chat = chat;
    this.controller = controller;
    this.json = json;
  }

  @Post(uri = "/chat/completions", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> complete(@Body @Nullable String body) {
    try {
      return HttpResponse.ok(chat.complete(decode(body)));
    } catch (ApiException e) {
      return e.toResponse();
    }
  }

  @Get(uri = "/models", produces = MediaType.APPLICATION_JSON)
  ModelList models() {
    return new ModelList("list", List.of(new ModelInfo(controller.backend().name(), "model", started, "bursar")));
  }

  private ChatRequest decode(@Nullable String body) {
    if (body == null || body.isBlank()) {
      throw ApiException.invalid(null, "empty_body", "the request body is empty: send a JSON chat completion "
          + "request, e.g. {\"model\":\"bursar\",\"messages\":[" + ChatService.EXAMPLE + "]}");
    }
    ChatRequest req;
    try {
      req = json.readValue(body, ChatRequest.class);
    } catch (IOException | RuntimeException e) {
      throw ApiException.invalid(null, "invalid_json", "the request body is not a valid chat completion request ("
          + oneLine(e.getMessage()) + "); send JSON like {\"model\":\"bursar\",\"messages\":[" + ChatService.EXAMPLE
          + "]}");
    }
    if (req == null) {
      throw ApiException.invalid(null, "invalid_json", "the request body is JSON null: send an object like "
          + "{\"model\":\"bursar\",\"messages\":[" + ChatService.EXAMPLE + "]}");
    }
    return req;
  }

  private static String oneLine(@Nullable String s) {
    if (s == null) return "unreadable";
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}

package dev.bursar.sidecar.serve;

import dev.bursar.backends.openai.UpstreamClient;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.ComputeController;
import dev.bursar.sidecar.serve.OpenAiApi.ModelInfo;
import dev.bursar.sidecar.serve.OpenAiApi.ModelList;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The OpenAI-compatible endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/completions}
 * (both also streamed) and {@code GET /v1/models}. Bodies are decoded by the service rather than
 * by the framework, so that malformed JSON gets the OpenAI error shape and a message that says
 * where it broke. A response is a publisher: when the client goes, Micronaut cancels it, and the
 * request stops and frees its slot.
 */
@Controller("/v1")
final class ChatCompletionsController {
  private final ChatService chat;
  private final ComputeController controller;
  private final @Nullable Passthrough upstream;
  private final boolean authOn;
  private final long started = System.currentTimeMillis() / 1000;

  ChatCompletionsController(ChatService chat, ComputeController controller, UpstreamHolder upstream, BearerAuth auth) {
    this.chat = chat;
    this.controller = controller;
    this.upstream = upstream.passthrough();
    this.authOn = auth.enabled();
  }

  @Post(uri = "/chat/completions", consumes = MediaType.APPLICATION_JSON, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
  @ExecuteOn(TaskExecutors.BLOCKING)
  Mono<MutableHttpResponse<?>> complete(@Body @Nullable String body, HttpRequest<?> request) {
    try {
      return kept(chat.chat(body, clientKey(request), gone(request)));
    } catch (ApiException e) {
      return refused(e);
    }
  }

  @Post(uri = "/completions", consumes = MediaType.APPLICATION_JSON, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
  @ExecuteOn(TaskExecutors.BLOCKING)
  Mono<MutableHttpResponse<?>> completions(@Body @Nullable String body, HttpRequest<?> request) {
    try {
      return kept(chat.completions(body, clientKey(request), gone(request)));
    } catch (ApiException e) {
      return refused(e);
    }
  }

  /** The upstream's model list in front of one; else the local model's. */
  @Get(uri = "/models", produces = MediaType.APPLICATION_JSON)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> models(HttpRequest<?> request) {
    if (upstream == null) {
      return HttpResponse.ok(new ModelList("list", List.of(
          new ModelInfo(controller.backend().name(), "model", started, "bursar"),
          new ModelInfo("bursar", "model", started, "bursar"))));
    }
    try {
      UpstreamClient.Response r = upstream.get("/models", clientKey(request));
      return HttpResponse.status(r.status() == 200 ? HttpStatus.OK : r.status() == 401 ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_GATEWAY)
          .contentType(MediaType.APPLICATION_JSON).body(r.body().getBytes(StandardCharsets.UTF_8));
    } catch (BackendException e) {
      return Passthrough.failure(e).toResponse();
    }
  }

  /**
   * A 404 or 405 of ours (an unknown model, an upstream's own 404) as an error: Micronaut sends a
   * route's 404 or 405 response to its status handler, which binds the request again and, when the
   * response comes from another thread than the route ran on (an upstream's answer completes on the
   * HTTP client's pool), can wait forever for a body already read (the request fuzz test hung so
   * when the routes briefly started on the event loop).
   * An error goes to {@link ApiErrors}, which answers with the response as it is.
   */
  static final class KeptResponse extends RuntimeException {
    private final transient MutableHttpResponse<?> response;

    KeptResponse(MutableHttpResponse<?> response) {
      super("HTTP " + response.code(), null, false, false);
      this.response = response;
    }

    MutableHttpResponse<?> response() {
      return response;
    }
  }

  private static Mono<MutableHttpResponse<?>> refused(ApiException e) {
    return kept(Mono.just(e.toResponse()));
  }

  private static Mono<MutableHttpResponse<?>> kept(Mono<MutableHttpResponse<?>> response) {
    return response.flatMap(r -> r.code() == 404 || r.code() == 405 ? Mono.error(new KeptResponse(r)) : Mono.just(r));
  }

  /**
   * {@return a flag set when the client's connection closes}: Micronaut cancels a response
   * publisher only once it writes, so a request still deciding learns of it from the channel.
   */
  private static ClientGone gone(HttpRequest<?> request) {
    return request instanceof NettyHttpRequest<?> netty
        ? ConnectionWatch.watch(netty.getChannelHandlerContext().channel())
        : new ClientGone();
  }

  /** The client's own key for the upstream, passed through only while bursar's auth is off (then it is bursar's). */
  private @Nullable String clientKey(HttpRequest<?> request) {
    if (authOn) return null;
    String h = request.getHeaders().get("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String key = h.substring(7).strip();
    return key.isEmpty() ? null : key;
  }
}

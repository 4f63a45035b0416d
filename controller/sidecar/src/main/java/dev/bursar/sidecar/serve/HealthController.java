package dev.bursar.sidecar.serve;

import dev.bursar.backends.openai.UpstreamClient;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /health}: liveness, UP once the context (and so the model) has started.
 * {@code GET /health/ready}: readiness, DOWN (503) while draining for shutdown or while the
 * upstream does not answer its model list within two seconds.
 */
@Controller("/health")
final class HealthController {
  private final Admission admission;
  private final @Nullable Passthrough upstream;

  HealthController(Admission admission, UpstreamHolder upstream) {
    this.admission = admission;
    this.upstream = upstream.passthrough();
  }

  @Get(produces = MediaType.APPLICATION_JSON)
  OpenAiApi.Health health() {
    return new OpenAiApi.Health("UP", null);
  }

  @Get(uri = "/ready", produces = MediaType.APPLICATION_JSON)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<OpenAiApi.Health> ready() {
    if (admission.draining()) return down("draining: bursar is shutting down");
    if (upstream == null) return HttpResponse.ok(new OpenAiApi.Health("UP", null));
    try {
      UpstreamClient.Response r = CompletableFuture.supplyAsync(() -> upstream.get("/models", null))
          .get(2, TimeUnit.SECONDS);
      if (r.status() != 200) return down("the upstream answered GET /models with HTTP " + r.status());
      return HttpResponse.ok(new OpenAiApi.Health("UP", null));
    } catch (Exception e) {
      return down("the upstream " + upstream.client().settings().baseUrl() + " does not answer: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.toString()));
    }
  }

  private static HttpResponse<OpenAiApi.Health> down(String reason) {
    return HttpResponse.<OpenAiApi.Health>status(HttpStatus.SERVICE_UNAVAILABLE).body(new OpenAiApi.Health("DOWN", reason));
  }
}

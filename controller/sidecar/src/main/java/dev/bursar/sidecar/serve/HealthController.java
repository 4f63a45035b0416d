package dev.bursar.sidecar.serve;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/** {@code GET /health}: UP once the context (and so the model) has started. */
@Controller("/health")
final class HealthController {
  @Get(produces = MediaType.APPLICATION_JSON)
  OpenAiApi.Health health() {
    return new OpenAiApi.Health("UP");
  }
}

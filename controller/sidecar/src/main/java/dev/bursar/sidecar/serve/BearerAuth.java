package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * Optional bearer-token auth for bursar itself: with {@code bursar.sidecar.auth-token-env} naming
 * an environment variable, every {@code /v1} request must send {@code Authorization: Bearer
 * <token>}. The comparison takes the same time whatever the token sent ({@link MessageDigest#isEqual}).
 */
@ServerFilter("/v1/**")
final class BearerAuth {
  private final byte @Nullable [] token;

  BearerAuth(SidecarConfig config) {
    String env = config.authTokenEnv();
    if (env == null) {
      token = null;
    } else {
      String t = System.getenv(env);
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("bursar.sidecar.auth-token-env names " + env
            + ", which is not set: export " + env + "=<token> before starting bursar");
      }
      token = t.strip().getBytes(StandardCharsets.UTF_8);
    }
  }

  boolean enabled() {
    return token != null;
  }

  @RequestFilter
  @Nullable HttpResponse<?> check(HttpRequest<?> request) {
    if (token == null) return null;
    String h = request.getHeaders().get("Authorization");
    byte[] given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)
        ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (MessageDigest.isEqual(given, token)) return null;
    return ApiException.of(HttpStatus.UNAUTHORIZED, "invalid_request_error", "invalid_api_key",
        "missing or wrong bearer token: send the header Authorization: Bearer <token> that this bursar was started with")
        .toResponse();
  }
}

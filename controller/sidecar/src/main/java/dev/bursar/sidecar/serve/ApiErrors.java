package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors outside the handlers, in the OpenAI error shape: unknown paths, wrong methods, a body
 * that is not JSON, and anything unexpected (500, logged).
 */
@Controller
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
  private static final String ENDPOINTS =
      "POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /health, GET /health/ready";

  private static boolean isTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String n = t.getClass().getSimpleName();
      if (n.equals("ContentLengthExceededException") || n.equals("TooLongFrameException")
          || n.equals("TooLongHttpContentException")) return true;
    }
    return false;
  }

  private static String brief(String m) {
    if (m == null) return "unreadable";
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }

  /** The path only: never a query string, which may carry what a client typed. */
  private static String safePath(HttpRequest<?> request) {
    String p = request.getPath();
    return p.length() > 100 ? p.substring(0, 100) + "..." : p;
  }

  @Error(status = HttpStatus.NOT_FOUND, global = true)
  HttpResponse<?> notFound(HttpRequest<?> request) {
    return ApiException.of(HttpStatus.NOT_FOUND, "invalid_request_error", "unknown_url",
        "no endpoint " + request.getMethodName() + " " + safePath(request) + "; bursar serves " + ENDPOINTS).toResponse();
  }

  @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
  HttpResponse<?> methodNotAllowed(HttpRequest<?> request) {
    return ApiException.of(HttpStatus.METHOD_NOT_ALLOWED, "invalid_request_error", "method_not_allowed",
        request.getMethodName() + " is not allowed on " + request.getPath() + "; bursar serves " + ENDPOINTS)
        .toResponse();
  }

  @Error(status = HttpStatus.UNSUPPORTED_MEDIA_TYPE, global = true)
  HttpResponse<?> unsupportedMediaType(HttpRequest<?> request) {
    return ApiException.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", "unsupported_media_type",
        "the body of " + request.getPath() + " must be JSON: send the header Content-Type: application/json "
            + "(curl: -H 'Content-Type: application/json'), was " + request.getContentType().map(Object::toString)
            .orElse("none")).toResponse();
  }

  @Error(global = true)
  HttpResponse<?> unexpected(HttpRequest<?> request, Throwable error) {
    // A 404 or 405 of ours (an unknown model, an upstream's own 404): the response itself.
    if (error instanceof ChatCompletionsController.KeptResponse k) return k.response();
    if (isTooLarge(error)) {
      return ApiException.of(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "invalid_request_error", "body_too_large",
          "the request body is larger than bursar accepts (micronaut.server.max-request-size, 1MB by default): "
              + "send a shorter conversation").toResponse();
    }
    if (error instanceof ApiException e) return e.toResponse();
    if (error instanceof IllegalArgumentException || error instanceof java.net.URISyntaxException) {
      // A malformed URL or header (bad percent-escapes and the like): the client's mistake, not logged as ours.
      return ApiException.of(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_request",
          "the request could not be read: " + brief(error.getMessage()) + "; bursar serves " + ENDPOINTS).toResponse();
    }
    if (error instanceof HttpStatusException e) {
      boolean client = e.getStatus().getCode() < 500;
      return ApiException.of(e.getStatus(), client ? "invalid_request_error" : "server_error", null,
          String.valueOf(e.getMessage())).toResponse();
    }
    if (error instanceof UnsatisfiedRouteException || error instanceof ConversionErrorException) {
      return ApiException.of(HttpStatus.BAD_REQUEST, "invalid_request_error", "invalid_request",
          error.getMessage() + "; bursar serves " + ENDPOINTS).toResponse();
    }
    LOG.error("unexpected error serving {} {}", request.getMethodName(), safePath(request), error);
    return ApiException.of(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "internal_error",
        "bursar failed unexpectedly: " + error + "; the server log has the details").toResponse();
  }
}

package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import org.jspecify.annotations.Nullable;

/**
 * A request the sidecar answers with an error in the OpenAI shape. The message says what is wrong
 * and how to fix it; {@code type}, {@code param} and {@code code} follow OpenAI's usage.
 */
final class ApiException extends RuntimeException {
  private final HttpStatus status;
  private final String type;
  private final @Nullable String param;
  private final @Nullable String code;
  private final @Nullable Integer retryAfterSeconds;

  private ApiException(HttpStatus status, String type, @Nullable String param, @Nullable String code, String message,
      @Nullable Integer retryAfterSeconds) {
    // Capped: a message never echoes a whole question back.
    super(message.length() > 600 ? message.substring(0, 600) + "..." : message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 400 {@code invalid_request_error}. */
  static ApiException invalid(@Nullable String param, String code, String message) {
    return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, code, message, null);
  }

  /** 503 with {@code Retry-After}: more requests in flight than the sidecar admits. */
  static ApiException overloaded(String message, int retryAfterSeconds) {
    return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "overloaded_error", null, "at_capacity", message,
        retryAfterSeconds);
  }

  /** 429 with {@code Retry-After}: the queue is full. */
  static ApiException tooMany(String message, int retryAfterSeconds) {
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", null, "at_capacity", message,
        retryAfterSeconds);
  }

  /** 404 {@code model_not_found}. */
  static ApiException unknownModel(String message) {
    return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model", "model_not_found", message, null);
  }

  /** 502: the backend failed. */
  static ApiException upstream(String message) {
    return new ApiException(HttpStatus.BAD_GATEWAY, "upstream_error", null, "backend_failed", message, null);
  }

  /** 504: the request's deadline passed before it finished. */
  static ApiException deadline(String message) {
    return new ApiException(HttpStatus.GATEWAY_TIMEOUT, "timeout_error", null, "deadline_exceeded", message, null);
  }

  static ApiException of(HttpStatus status, String type, @Nullable String code, String message) {
    return new ApiException(status, type, null, code, message, null);
  }

  HttpStatus status() {
    return status;
  }

  /** {@return the response: status, OpenAI error body and, when set, {@code Retry-After}} */
  MutableHttpResponse<OpenAiApi.ErrorResponse> toResponse() {
    MutableHttpResponse<OpenAiApi.ErrorResponse> r = HttpResponse.<OpenAiApi.ErrorResponse>status(status)
        .body(new OpenAiApi.ErrorResponse(new OpenAiApi.ErrorDetail(getMessage(), type, param, code)));
    if (retryAfterSeconds != null) r.header("Retry-After", Integer.toString(retryAfterSeconds));
    return r;
  }
}

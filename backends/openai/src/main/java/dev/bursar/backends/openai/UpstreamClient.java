package dev.bursar.backends.openai;

import dev.bursar.controller.BackendException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * HTTP to one OpenAI-compatible server, shared by {@link OpenAiBackend} and the sidecar's
 * pass-through: a connect timeout, a read timeout, retries with exponential backoff only for
 * failures where the server did no work (the connection was refused or timed out, or it answered
 * 429/503), and a circuit breaker that fails fast while the server keeps failing. API keys go in
 * the {@code Authorization} header only; nothing here logs.
 */
public final class UpstreamClient implements AutoCloseable {

  /**
   * @param baseUrl the server's API root, e.g. {@code http://localhost:8000/v1}
   * @param apiKey the key sent when the caller passes none (null: none)
   * @param connectTimeout limit on opening a connection
   * @param readTimeout limit on a whole non-streamed response, and on the silence between two
   *     chunks of a stream
   * @param maxAttempts tries of a call that failed before the server did any work (1: no retry)
   * @param backoff the wait before the first retry; it doubles after each
   * @param failureRate percentage of failed calls (of the last {@code window}) that opens the breaker
   * @param window calls the breaker looks back on
   * @param openFor how long an open breaker refuses calls before it lets a probe through
   */
  public record Settings(URI baseUrl, @Nullable String apiKey, Duration connectTimeout, Duration readTimeout,
      int maxAttempts, Duration backoff, float failureRate, int window, Duration openFor) {
    public Settings {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("the upstream URL must start with http:// or https://, was " + baseUrl);
      }
      if (baseUrl.getHost() == null) throw new IllegalArgumentException("the upstream URL has no host: " + baseUrl);
      positive("connectTimeout", connectTimeout);
      positive("readTimeout", readTimeout);
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
      if (backoff.isNegative()) throw new IllegalArgumentException("backoff must be >= 0, was " + backoff);
      if (!(failureRate > 0 && failureRate <= 100)) {
        throw new IllegalArgumentException("failureRate must be in (0, 100], was " + failureRate);
      }
      if (window < 1) throw new IllegalArgumentException("window must be >= 1, was " + window);
      positive("openFor", openFor);
    }

    /** Defaults: 5 s to connect, 120 s to read, 3 attempts from 200 ms, breaker at 50% of 20 calls, open 10 s. */
    public static Settings of(URI baseUrl) {
      return new Settings(baseUrl, null, Duration.ofSeconds(5), Duration.ofSeconds(120), 3, Duration.ofMillis(200),
          50, 20, Duration.ofSeconds(10));
    }

    public Settings withApiKey(@Nullable String key) {
      return new Settings(baseUrl, key, connectTimeout, readTimeout, maxAttempts, backoff, failureRate, window, openFor);
    }

    public Settings withTimeouts(Duration connect, Duration read) {
      return new Settings(baseUrl, apiKey, connect, read, maxAttempts, backoff, failureRate, window, openFor);
    }

    public Settings withRetries(int attempts, Duration firstBackoff) {
      return new Settings(baseUrl, apiKey, connectTimeout, readTimeout, attempts, firstBackoff, failureRate, window, openFor);
    }

    public Settings withBreaker(float rate, int calls, Duration open) {
      return new Settings(baseUrl, apiKey, connectTimeout, readTimeout, maxAttempts, backoff, rate, calls, open);
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** A response whose body is still arriving; close the body to end the exchange. */
  public record StreamResponse(int status, String contentType, InputStream body) {}

  /** A whole response: status, body and content type. */
  public record Response(int status, String body, String contentType) {
    static Response of(HttpResponse<String> r) {
      return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse("application/json"));
    }
  }

  private final Settings settings;
  private final String base;
  private final HttpClient http;
  private final Retry retry;
  private final CircuitBreaker breaker;
  /** Schedules the backoff of an asynchronous retry; one daemon thread, idle but for retries. */
  private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bursar-upstream-retry");
    t.setDaemon(true);
    return t;
  });

  public UpstreamClient(Settings settings) {
    this.settings = settings;
    String b = settings.baseUrl().toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // closing a stream must close its connection: that is how the server learns to stop
        .connectTimeout(settings.connectTimeout())
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.retry = Retry.of("upstream", RetryConfig.<Object>custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialBackoff(Math.max(1, settings.backoff().toMillis()), 2.0))
        .retryOnException(UpstreamClient::didNoWork)
        .retryOnResult(r -> r instanceof HttpResponse<?> h && (h.statusCode() == 429 || h.statusCode() == 503))
        .build());
    this.breaker = CircuitBreaker.of("upstream", CircuitBreakerConfig.custom()
        .failureRateThreshold(settings.failureRate())
        .slidingWindowSize(settings.window())
        .minimumNumberOfCalls(Math.min(settings.window(), 5))
        .waitDurationInOpenState(settings.openFor())
        // A kept-alive connection the server closed unread is the client's race, not the server failing:
        // it is retried, and must not count toward opening the breaker (under load it is frequent).
        .recordException(e -> (unwrapped(e) instanceof IOException || unwrapped(e) instanceof TimeoutException) && !staleConnection(e))
        .recordResult(r -> r instanceof HttpResponse<?> h && h.statusCode() >= 500)
        .build());
  }

  /** {@return the settings} */
  public Settings settings() {
    return settings;
  }

  /** {@return the circuit breaker's state: CLOSED, OPEN, HALF_OPEN, ...} */
  public String breakerState() {
    return breaker.getState().name();
  }

  /** A failure where the request never reached the server's model: safe to send again. */
  private static boolean didNoWork(Throwable thrown) {
    Throwable e = unwrapped(thrown);
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) return true;
    return staleConnection(e);
  }

  /** A kept-alive connection the server had just closed: it read nothing, so it did nothing. */
  private static boolean staleConnection(Throwable thrown) {
    Throwable e = unwrapped(thrown);
    return e instanceof IOException && String.valueOf(e.getMessage()).contains("received no bytes");
  }

  /**
   * POSTs {@code json} to {@code path} (e.g. {@code /chat/completions}) and reads the whole response.
   *
   * @param apiKey the caller's key, or null for the configured one
   * @throws BackendException when the server cannot be reached, times out or the breaker is open
   */
  public Response post(String path, String json, @Nullable String apiKey) {
    HttpRequest req = request(path, apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    HttpResponse<String> r = call(() -> whole(req));
    return Response.of(r);
  }

  /**
   * {@link #post} without a thread waiting on it: the same retries, breaker and timeouts, and the
   * same {@link BackendException}s, completed on the client's executor. Cancelling the returned
   * future cancels the exchange (its connection closes, so the server stops generating). For the
   * sidecar's pass-through, where a blocked thread per request costs more than the request.
   */
  public CompletableFuture<Response> postAsync(String path, String json, @Nullable String apiKey) {
    HttpRequest req = request(path, apiKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    CompletableFuture<Response> out = new CompletableFuture<>();
    var attempt = new java.util.concurrent.atomic.AtomicReference<CompletableFuture<?>>();
    java.util.function.Supplier<CompletionStage<HttpResponse<String>>> exchange = () -> {
      if (out.isCancelled()) return CompletableFuture.failedFuture(new CancellationException("the caller cancelled"));
      var sending = http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      attempt.set(sending);
      return sending;
    };
    // Cancelling the answer cancels the exchange in flight: the connection closes and the server stops.
    out.whenComplete((r, e) -> {
      CompletableFuture<?> a = attempt.get();
      if (out.isCancelled() && a != null) a.cancel(true);
    });
    var guarded = Retry.decorateCompletionStage(retry, retryTimer, CircuitBreaker.decorateCompletionStage(breaker, exchange));
    CompletionStage<HttpResponse<String>> sent;
    try {
      sent = guarded.get();
    } catch (RuntimeException e) {
      out.completeExceptionally(translate(e));
      return out;
    }
    sent.whenComplete((r, e) -> {
      if (e != null) out.completeExceptionally(translate(unwrapped(e)));
      else out.complete(Response.of(r));
    });
    return out;
  }

  private static Throwable unwrapped(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) e = e.getCause();
    return e;
  }

  /** GETs {@code path} (e.g. {@code /models}) and reads the whole response. */
  public Response get(String path, @Nullable String apiKey) {
    HttpRequest req = request(path, apiKey).GET().build();
    HttpResponse<String> r = call(() -> whole(req));
    return Response.of(r);
  }

  /**
   * POSTs {@code json} and returns the response as soon as its headers arrive, with its body as a
   * stream whose silence longer than the read timeout closes it. Closing the stream closes the
   * connection, which is how the server learns to stop generating.
   */
  public StreamResponse postStream(String path, String json, @Nullable String apiKey) {
    HttpRequest req = request(path, apiKey).header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    HttpResponse<InputStream> r = call(() -> {
      CompletableFuture<HttpResponse<InputStream>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
      return await(f);
    });
    return new StreamResponse(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
        new IdleTimeoutStream(r.body(), settings.readTimeout()));
  }

  private HttpRequest.Builder request(String path, @Nullable String apiKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(settings.readTimeout());
    String key = apiKey != null ? apiKey : settings.apiKey();
    if (key != null && !key.isEmpty()) b.header("Authorization", "Bearer " + key);
    return b;
  }

  private HttpResponse<String> whole(HttpRequest req) throws IOException, TimeoutException {
    return await(http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }

  /** Waits for a response for at most the read timeout; on timeout or interrupt it cancels the exchange. */
  private <T> T await(CompletableFuture<T> f) throws IOException, TimeoutException {
    try {
      return f.get(settings.readTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw e;
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the upstream", e);
    } catch (CancellationException e) {
      throw new IOException("the exchange was cancelled", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      throw new IOException(String.valueOf(c), c);
    }
  }

  private <T> T call(CheckedSupplier<T> exchange) {
    CheckedSupplier<T> guarded = Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, exchange));
    try {
      return guarded.get();
    } catch (Throwable e) {
      throw translate(e);
    }
  }

  /** The failure of an exchange as the {@link BackendException} that says what went wrong; a runtime exception as it is. */
  private RuntimeException translate(Throwable thrown) {
    return switch (thrown) {
      case CallNotPermittedException e -> new BackendException("the upstream " + base
          + " kept failing, so its circuit breaker is open for up to " + settings.openFor().toSeconds() + " s; retry later", true);
      case HttpConnectTimeoutException e -> new BackendException("cannot connect to the upstream " + base + " within "
          + settings.connectTimeout().toMillis() + " ms (after " + settings.maxAttempts() + " attempts)", e, true);
      case ConnectException e -> new BackendException("cannot connect to the upstream " + base + " (" + e.getMessage()
          + ", after " + settings.maxAttempts() + " attempts): is it running?", e, true);
      case TimeoutException e -> timedOut(e);
      case java.net.http.HttpTimeoutException e -> timedOut(e);
      case IOException e -> new BackendException("the exchange with the upstream " + base + " failed: " + e, e, true);
      case RuntimeException e -> e;
      default -> new BackendException("the exchange with the upstream " + base + " failed: " + thrown, thrown, false);
    };
  }

  private BackendException timedOut(Exception e) {
    return new BackendException("the upstream " + base + " sent no response within " + settings.readTimeout().toMillis() + " ms",
        e, true);
  }

  @Override
  public void close() {
    retryTimer.shutdownNow();
    http.shutdownNow();
  }
}

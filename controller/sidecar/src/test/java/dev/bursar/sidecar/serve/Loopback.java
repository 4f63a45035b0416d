package dev.bursar.sidecar.serve;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

/** A sidecar on a loopback port started in the test, and a plain JDK client to talk to it as any client would. */
final class Loopback implements AutoCloseable {
  final EmbeddedServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  Loopback(Map<String, Object> props) {
    this.server = ApplicationContext.run(EmbeddedServer.class, props);
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  <T> T bean(Class<T> type) {
    return server.getApplicationContext().getBean(type);
  }

  /** A status and a body. */
  record Reply(int status, String body) {}

  Reply post(String path, String json, Duration timeout) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError("no response from " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Reply get(String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("no response from " + path + ": " + e, e);
    }
  }

  /** Opens a streamed POST; the caller reads what it wants and closes the stream. */
  InputStream open(String path, String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofInputStream()).body();
  }

  static String read(InputStream in, int bytes) throws IOException {
    return new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.shutdownNow();
    server.getApplicationContext().close();
  }
}

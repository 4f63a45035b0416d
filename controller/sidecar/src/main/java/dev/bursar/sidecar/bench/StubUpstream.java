package dev.bursar.sidecar.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The fastest OpenAI-compatible upstream there is: it answers every chat completion at once with
 * the same small response, so that what a benchmark measures through bursar is bursar's overhead.
 */
final class StubUpstream implements AutoCloseable {
  static final byte[] ANSWER = ("{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"stub\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"92\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,\"total_tokens\":13}}").getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;

  StubUpstream() {
    this(0);
  }

  /** A stub on loopback port {@code port} (0: any free one). */
  StubUpstream(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open loopback port " + port + " for the stub upstream", e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/chat/completions", ex -> {
      try (ex) {
        drain(ex.getRequestBody());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, ANSWER.length);
        ex.getResponseBody().write(ANSWER);
      }
    });
    server.createContext("/v1/models", ex -> {
      try (ex) {
        byte[] b = "{\"object\":\"list\",\"data\":[{\"id\":\"stub\",\"object\":\"model\"}]}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      }
    });
    // An OTLP sink, so a benchmark can export its telemetry somewhere real without a collector.
    for (String path : new String[] {"/v1/traces", "/v1/metrics", "/v1/logs"}) {
      server.createContext(path, ex -> {
        try (ex) {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
        }
      });
    }
    server.start();
  }

  /**
   * Reads a request body to its end into a small buffer: {@code readAllBytes} allocates 16 KB per
   * request, which in a benchmark's one JVM makes the collector pause more often for both sides.
   */
  private static void drain(java.io.InputStream in) throws IOException {
    byte[] buf = new byte[256];
    while (in.read(buf) >= 0) {
      // discarded: the stub answers the same whatever was asked
    }
  }

  /** {@return the OTLP endpoint of the sink (without the /v1/... path)} */
  String otlpEndpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

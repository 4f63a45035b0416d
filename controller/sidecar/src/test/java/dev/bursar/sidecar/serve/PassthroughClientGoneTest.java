package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A non-streamed pass-through whose client hangs up: bursar cancels its upstream exchange, so the
 * upstream's connection closes (a real server stops generating then), and the slot is free at once,
 * long before the deadline.
 */
final class PassthroughClientGoneTest {
  /** An upstream that reads one request and then never answers, noting when its connection closes. */
  static final class SilentUpstream implements AutoCloseable {
    final ServerSocket socket;
    final CountDownLatch received = new CountDownLatch(1);
    final CountDownLatch closedByBursar = new CountDownLatch(1);
    private final Thread acceptor;

    SilentUpstream() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = Thread.ofVirtual().start(() -> {
        try (Socket s = socket.accept()) {
          InputStream in = s.getInputStream();
          byte[] buf = new byte[8192];
          // The request arrives; then wait for the peer to close, answering nothing.
          if (in.read(buf) > 0) received.countDown();
          while (in.read(buf) >= 0) {
            // the rest of the request, if it came in pieces
          }
          closedByBursar.countDown();
        } catch (IOException e) {
          closedByBursar.countDown(); // a reset is a close too
        }
      });
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    @Override
    public void close() throws IOException {
      socket.close();
      acceptor.interrupt();
    }
  }

  @Test
  void clientHangsUp_upstreamExchangeIsCancelledAndSlotFreed() throws Exception {
    try (var upstream = new SilentUpstream()) {
      Map<String, Object> props = new HashMap<>();
      props.put("micronaut.server.port", -1);
      props.put("bursar.sidecar.upstream", upstream.baseUrl());
      props.put("bursar.sidecar.model", "m");
      props.put("bursar.sidecar.deadline", "60s");
      props.put("bursar.sidecar.upstream-read-timeout", "60s");
      try (var bursar = new Loopback(props)) {
        Admission admission = bursar.bean(Admission.class);
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a long story.\"}],"
            + "\"bursar\":{\"mode\":\"fast\"}}";
        try (Socket client = new Socket("127.0.0.1", bursar.server.getPort())) {
          OutputStream out = client.getOutputStream();
          out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
          out.flush();
          assertThat(upstream.received.await(30, TimeUnit.SECONDS)).as("the request reached the upstream").isTrue();
          assertThat(admission.inFlight()).isEqualTo(1);
        } // the client hangs up

        assertThat(upstream.closedByBursar.await(10, TimeUnit.SECONDS))
            .as("bursar closed its upstream connection after the client left (deadline and read timeout are 60 s)").isTrue();
        for (int i = 0; i < 500 && admission.inFlight() > 0; i++) Thread.sleep(10);
        assertThat(admission.inFlight()).as("slots held after the client left").isZero();
      }
    }
  }
}

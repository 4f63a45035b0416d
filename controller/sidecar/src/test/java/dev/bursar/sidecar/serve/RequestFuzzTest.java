package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Thousands of mutated request bodies: every one gets an answer or a 4xx, none a 5xx, none hangs. */
@MicronautTest
@Property(name = "bursar.sidecar.max-concurrent", value = "8")
final class RequestFuzzTest {
  private static final List<String> SEEDS = List.of(
      "{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}]}",
      "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"17+25*3\"}]}],"
          + "\"max_tokens\":50,\"n\":2,\"temperature\":0.5,\"seed\":3,\"reasoning_effort\":\"low\",\"bursar\":{\"mode\":\"fast\",\"budget_tokens\":300}}",
      "{\"model\":\"bursar\",\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":20,\"logprobs\":2,\"stop\":[\"\\n\"]}");
  private static final String[] INSERTS = {"{", "}", "[", "]", ",", ":", "\"", "null", "-1", "1e999", "true", "\\u0000",
      "\"n\":99", "\"stream\":true", "\"model\":7", "{\"a\":[[[[", "\uD800", "\\", "0x1F"};

  @Inject EmbeddedServer server;

  @MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend();
  }

  @Test
  void mutatedBodies_neverGetA5xx_norHang_norAnErrorLogWithTheQuestion() throws Exception {
    // Client mistakes are the client's: no ERROR lines, and no line carries what a client wrote.
    var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    logs.start();
    root.addAppender(logs);
    var rnd = new Random(20261128);
    var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var statuses = new TreeMap<Integer, Integer>();
    List<String> fiveHundreds = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String seed = SEEDS.get(rnd.nextInt(SEEDS.size()));
      String body = mutate(seed, rnd);
      String path = seed.contains("\"prompt\"") ? "/v1/completions" : "/v1/chat/completions";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      statuses.merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() >= 500) fiveHundreds.add(r.statusCode() + " for " + body + " -> " + r.body());
    }
    assertThat(fiveHundreds).as("5xx answers; statuses seen %s", statuses).isEmpty();
    assertThat(statuses.keySet()).as("both answers and refusals were exercised").contains(200, 400);
    root.detachAppender(logs);
    assertThat(logs.list).as("log lines").noneMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
        .noneMatch(e -> e.getFormattedMessage().contains("17+25"));
  }

  private static String mutate(String s, Random rnd) {
    var b = new StringBuilder(s);
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && !b.isEmpty(); e++) {
      int at = rnd.nextInt(b.length());
      switch (rnd.nextInt(5)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, INSERTS[rnd.nextInt(INSERTS.length)]);
        case 2 -> b.setCharAt(at, (char) (32 + rnd.nextInt(95)));
        case 3 -> b.setLength(at);
        default -> { } // unchanged: valid requests run too
      }
    }
    return b.toString();
  }
}

package dev.bursar.backends.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.SampleVerifier;
import java.util.Objects;

/**
 * A reward model behind vLLM's pooling API as bursar's {@link SampleVerifier}
 * ({@code vllm serve Qwen/Qwen2.5-Math-RM-72B --runner pooling}, then {@code --verifier http://host:8001/pooling}).
 * Each sample goes as a two-turn conversation (the prompt as the user's turn, the sample as the
 * assistant's) and the score is the last number of the first result's {@code data}: a reward model's
 * single value, or its value at the last token where it pools every token. The same client settings as
 * the upstream's: timeouts, retries of calls that did no work, a circuit breaker.
 */
public final class RewardModelVerifier implements SampleVerifier {
  private static final ObjectMapper JSON = PooledJson.mapper();

  private final UpstreamClient client;
  private final String model;

  /**
   * @param settings the pooling endpoint's whole URL as the base (e.g. {@code http://localhost:8001/pooling}), and its timeouts
   * @param model the reward model's name as the server knows it
   */
  public RewardModelVerifier(UpstreamClient.Settings settings, String model) {
    this.model = Objects.requireNonNull(model, "model");
    this.client = new UpstreamClient(settings);
  }

  @Override
  public String name() {
    return model;
  }

  @Override
  public double score(String prompt, String sample) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    var messages = body.putArray("messages");
    messages.addObject().put("role", "user").put("content", prompt);
    messages.addObject().put("role", "assistant").put("content", sample);
    UpstreamClient.Response r = client.post("", body.toString(), null);
    if (r.status() != 200) {
      throw new BackendException("verifier " + model + " answered HTTP " + r.status() + ": " + OpenAiBackend.brief(r.body()), r.status() >= 500);
    }
    return scoreOf(r.body(), model);
  }

  /** {@return the score in a pooling response: the last number of {@code data[0].data}, however deeply nested} */
  static double scoreOf(String body, String model) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BackendException("verifier " + model + " answered something that is not JSON: " + OpenAiBackend.brief(body), false);
    }
    JsonNode data = root.path("data").path(0).path("data");
    while (data.isArray() && !data.isEmpty()) data = data.get(data.size() - 1);
    if (!data.isNumber()) {
      throw new BackendException("verifier " + model + " gave no score: expected {\"data\": [{\"data\": number or numbers}]} (vLLM's "
          + "/pooling of a reward model), got " + OpenAiBackend.brief(body), false);
    }
    return data.asDouble();
  }

  @Override
  public void close() {
    client.close();
  }
}

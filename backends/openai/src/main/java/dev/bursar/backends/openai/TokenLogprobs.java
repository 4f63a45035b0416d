package dev.bursar.backends.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads per-token log-probabilities in the shapes the servers actually return (fixtures with their
 * sources are in the tests):
 *
 * <ul>
 *   <li>OpenAI chat ({@code /v1/chat/completions} of vLLM, SGLang, llama.cpp's server and Ollama):
 *       {@code {"content":[{"token","logprob","top_logprobs":[{"token","logprob"}]}]}};
 *   <li>legacy completions ({@code /v1/completions} of vLLM and SGLang): {@code {"tokens":[],
 *       "token_logprobs":[],"top_logprobs":[{"tok":lp}]}};
 *   <li>a bare array of entries: Ollama's native {@code /api/chat} and llama.cpp's native
 *       {@code completion_probabilities}, whose older builds give probabilities
 *       ({@code {"content","probs":[{"tok_str","prob"}]}}) rather than log-probabilities, as do newer
 *       ones asked for {@code post_sampling_probs} ({@code {"token","prob","top_probs":[{"token","prob"}]}}).
 * </ul>
 *
 * <p>Two placeholder values that servers really send are not taken as log-probabilities: vLLM writes
 * {@code -9999.0} (OpenAI's "not among the top 20" value) for a sampled token it has no log-probability
 * for, which here is "none given" (NaN); SGLang writes {@code -3.4028234663852886e+38} (minus the
 * largest float) for alternatives its sampler masked out, which here is the same floor a probability
 * of 0 gets, so one masked alternative no longer makes a token's confidence about 10^38.
 */
final class TokenLogprobs {
  /** The least log-probability kept: what a probability of 0 (rounded or masked by the server) becomes, not -infinity. */
  static final double FLOOR = -1e4;

  /** OpenAI's value for "not among the top 20"; vLLM sends it for a sampled token whose log-probability it lacks. */
  static final double UNKNOWN = -9999.0;

  private TokenLogprobs() {}

  /**
   * One generated token.
   *
   * @param logprob the sampled token's log-probability (NaN when the server gave none)
   * @param top the top-k alternatives' log-probabilities (empty when none were asked for)
   */
  record Entry(String token, double logprob, double[] top) {
    /** {@return DeepConf token confidence: minus the mean top-k log-probability (or minus the token's own)} */
    double confidence() {
      if (top.length == 0) return Double.isNaN(logprob) ? Double.NaN : Math.max(0, -logprob);
      double s = 0;
      for (double v : top) s += v;
      return Math.max(0, -s / top.length);
    }
  }

  /** {@return the tokens in {@code node} (any of the shapes above), or an empty list when it holds none} */
  static List<Entry> parse(@Nullable JsonNode node) {
    List<Entry> out = new ArrayList<>();
    if (node == null || node.isNull() || node.isMissingNode()) return out;
    if (node.isArray()) {
      for (JsonNode e : node) out.add(entry(e));
      return out;
    }
    if (!node.isObject()) return out;
    JsonNode content = node.get("content");
    if (content != null && content.isArray()) {
      for (JsonNode e : content) out.add(entry(e));
      return out;
    }
    JsonNode tokens = node.get("tokens");
    if (tokens != null && tokens.isArray()) {
      JsonNode lps = node.path("token_logprobs");
      JsonNode tops = node.path("top_logprobs");
      for (int i = 0; i < tokens.size(); i++) {
        JsonNode lp = lps.path(i);
        out.add(new Entry(tokens.get(i).asText(""), lp.isNumber() ? sampled(lp.asDouble()) : Double.NaN, tops(tops.path(i))));
      }
    }
    return out;
  }

  private static Entry entry(JsonNode e) {
    String token = text(e, "token", "content", "tok_str");
    double lp;
    if (e.path("logprob").isNumber()) {
      lp = sampled(e.get("logprob").asDouble());
    } else if (e.path("prob").isNumber()) {
      lp = log(e.get("prob").asDouble());
    } else {
      lp = ownFromProbs(token, e.path("probs"));
    }
    JsonNode tops = e.has("top_logprobs") ? e.get("top_logprobs") : e.has("top_probs") ? e.get("top_probs") : e.path("probs");
    return new Entry(token, lp, tops(tops));
  }

  /** Old llama.cpp builds list the sampled token among {@code probs}: its probability is the only clue. */
  private static double ownFromProbs(String token, JsonNode probs) {
    if (!probs.isArray()) return Double.NaN;
    for (JsonNode p : probs) {
      if (token.equals(text(p, "tok_str", "token")) && p.path("prob").isNumber()) return log(p.get("prob").asDouble());
    }
    return Double.NaN;
  }

  private static double[] tops(JsonNode node) {
    List<Double> v = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode t : node) {
        if (t.path("logprob").isNumber()) v.add(floored(t.get("logprob").asDouble()));
        else if (t.path("prob").isNumber()) v.add(log(t.get("prob").asDouble()));
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        JsonNode lp = it.next().getValue();
        if (lp.isNumber()) v.add(floored(lp.asDouble()));
      }
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i);
    return out;
  }

  /** Probabilities of exactly 0 (rounded by the server) become a very small log-probability, not -infinity. */
  private static double log(double p) {
    return p <= 0 ? FLOOR : Math.min(0, Math.log(p));
  }

  /** A server's log-probability, with masked-out values (SGLang's minus the largest float) raised to the floor. */
  private static double floored(double lp) {
    return Double.isNaN(lp) || lp < FLOOR ? FLOOR : lp;
  }

  /** The sampled token's log-probability: the {@link #UNKNOWN} placeholder is none given (NaN). */
  private static double sampled(double lp) {
    return lp == UNKNOWN ? Double.NaN : floored(lp);
  }

  private static String text(JsonNode e, String... names) {
    for (String n : names) {
      JsonNode v = e.get(n);
      if (v != null && v.isTextual()) return v.asText();
    }
    return "";
  }
}

package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The verifier that scores every whole sample ({@code --verifier URL --verifier-model NAME}), under
 * {@code bursar.verifier.*}: a reward model behind vLLM's pooling API.
 *
 * @param url the pooling endpoint's URL, e.g. {@code http://localhost:8001/pooling}; null: no verifier
 * @param model the reward model's name as that server knows it
 * @param timeout the longest one score may take (a request's deadline cuts it shorter)
 */
@ConfigurationProperties("bursar.verifier")
public record VerifierConfig(@Nullable String url, @Nullable String model, @Bindable(defaultValue = "30s") Duration timeout) {
  public VerifierConfig {
    if (url != null && (model == null || model.isBlank())) {
      throw new IllegalArgumentException("--verifier needs --verifier-model NAME: the reward model's name as " + url + " serves it");
    }
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("bursar.verifier.timeout must be positive, was " + timeout);
  }
}

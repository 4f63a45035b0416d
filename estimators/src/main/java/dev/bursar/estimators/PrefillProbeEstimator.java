package dev.bursar.estimators;

import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.Features;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Request;
import dev.bursar.controller.WhiteBoxBackend;
import java.util.Objects;

/**
 * The white-box difficulty estimate: P(one sample is right) read by a fitted {@link LinearProbe} from
 * the model's hidden state at the last prompt token (one prefill, which the backend's prefix cache
 * then reuses for the samples), with the output length from {@code base}. A probe fitted on another
 * model (another layer count or width) is refused when built; when the probe cannot be read (the
 * backend fails), the base estimate stands: a broken probe never breaks a request.
 */
public record PrefillProbeEstimator(Estimator base, WhiteBoxBackend backend, LinearProbe probe) implements Estimator {
  public PrefillProbeEstimator {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(probe, "probe");
    probe.requireFits(backend, "the prefill probe");
  }

  @Override
  public Estimate estimate(Request request, Features features) {
    Estimate e = base.estimate(request, features);
    double p;
    try {
      p = probe.score(backend.hiddenStates(request.prompt(), probe.layer(), new int[] {-1})[0]);
    } catch (RuntimeException failed) {
      return e;
    }
    if (!(p >= 0 && p <= 1)) return e;
    return new Estimate(p, e.lengthShape(), e.lengthScale(), e.source() + "+prefill-probe(layer " + probe.layer() + ")");
  }

  @Override
  public String description() {
    return base.description() + " with P(right) from a prefill probe on layer " + probe.layer();
  }
}

package dev.bursar.sidecar.serve;

import dev.bursar.controller.Backend;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model that thinks without end, one token per millisecond, until its listener cancels it or the
 * token cap is reached: for tests of what stops a request (a client that leaves, a deadline).
 */
final class EndlessBackend implements Backend {
  final AtomicLong tokens = new AtomicLong();
  /** One permit per call that started generating. */
  final Semaphore started = new Semaphore(0);

  @Override public String name() { return "endless"; }
  @Override public Set<Capability> capabilities() { return EnumSet.of(Capability.CANCELLATION); }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    started.release();
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < request.n(); i++) {
      int n = 0;
      FinishReason finish = FinishReason.LENGTH;
      while (n < request.maxTokens()) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          finish = FinishReason.CANCELLED;
          break;
        }
        tokens.incrementAndGet();
        if (!listener.onToken(i, new TokenListener.TokenEvent(n++, "x", Double.NaN, Double.NaN))) {
          finish = FinishReason.CANCELLED;
          break;
        }
      }
      out.add(Generation.of(i, "x".repeat(n), 1, n, finish));
    }
    return out;
  }
}

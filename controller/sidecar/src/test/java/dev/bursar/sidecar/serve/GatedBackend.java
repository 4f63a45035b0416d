package dev.bursar.sidecar.serve;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A backend that blocks every call until the test opens the gate, and tells the test when a call
 * has arrived: for capacity and deadline tests that must not depend on timing.
 */
final class GatedBackend implements Backend {
  private final Backend delegate = ScriptedModel.backend();
  final CountDownLatch gate = new CountDownLatch(1);
  /** One permit per call that reached the backend. */
  final Semaphore arrived = new Semaphore(0);

  @Override public String name() { return "gated"; }
  @Override public Set<Capability> capabilities() { return delegate.capabilities(); }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    arrived.release();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for the gate", e, false);
    }
    return delegate.generate(request, listener);
  }
}

package dev.bursar.backends.djl;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;
import org.junit.jupiter.api.AfterAll;

/** The DJL backend on the embedded model keeps the backend contract, with every capability it declares. */
final class DjlBackendContractTest extends BackendContractTest {
  private static DjlBackend shared;

  @Override
  protected Backend newBackend() {
    return DjlBackend.builder().embeddedModel().workers(1).build();
  }

  /**
   * Loading the model costs: the cases that need no fresh backend share one; only the close case
   * (one) and the seeded-sampling case (two) build fresh ones through {@link #newBackend()}.
   */
  @Override
  protected Backend backend() {
    synchronized (DjlBackendContractTest.class) {
      if (shared == null) shared = DjlBackend.builder().embeddedModel().workers(1).build();
      return shared;
    }
  }

  @AfterAll
  static void closeShared() {
    if (shared != null) shared.close();
    shared = null;
  }
}

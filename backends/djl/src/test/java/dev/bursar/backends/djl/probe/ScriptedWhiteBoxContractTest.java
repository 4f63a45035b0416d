package dev.bursar.backends.djl.probe;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;

/** The probe trainer's scripted white box keeps the contract it stands in for. */
final class ScriptedWhiteBoxContractTest extends BackendContractTest {
  @Override
  protected Backend newBackend() {
    return new ScriptedWhiteBox();
  }
}

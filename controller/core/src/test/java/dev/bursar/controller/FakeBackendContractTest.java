package dev.bursar.controller;

/** The scripted fake keeps the contract it asks of real backends. */
final class FakeBackendContractTest extends BackendContractTest {
  @Override
  protected Backend newBackend() {
    return FakeBackend.of((prompt, i) -> "<think>25*3=75;17+75\n17+75=92\n</think>A:92\n");
  }
}

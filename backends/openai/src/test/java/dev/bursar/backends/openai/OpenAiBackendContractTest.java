package dev.bursar.backends.openai;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;
import org.junit.jupiter.api.AfterAll;

/** The backend contract over the completions endpoint of a test server on loopback. */
final class OpenAiBackendContractTest extends BackendContractTest {
  private static final FakeOpenAiServer SERVER = new FakeOpenAiServer();

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Override
  protected Backend newBackend() {
    return OpenAiBackend.builder().baseUrl(SERVER.baseUrl()).model("fake-model")
        .endpoint(OpenAiBackend.Endpoint.COMPLETIONS).build();
  }
}

package dev.bursar.backends.openai;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;
import org.junit.jupiter.api.AfterAll;

/** The backend contract over the chat endpoint, against a server that refuses {@code n > 1}. */
final class OpenAiBackendChatContractTest extends BackendContractTest {
  private static final FakeOpenAiServer SERVER = new FakeOpenAiServer().rejectN(true);

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Override
  protected Backend newBackend() {
    return OpenAiBackend.builder().baseUrl(SERVER.baseUrl()).model("fake-model").build();
  }
}

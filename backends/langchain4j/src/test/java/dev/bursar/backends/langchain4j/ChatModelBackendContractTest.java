package dev.bursar.backends.langchain4j;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;

/** The backend contract over a LangChain4j ChatModel. */
final class ChatModelBackendContractTest extends BackendContractTest {
  @Override
  protected Backend newBackend() {
    return new ChatModelBackend(new ScriptedChatModel(), "scripted");
  }
}

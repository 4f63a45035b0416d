package dev.bursar.backends.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.bursar.backends.djl.EmbeddedModel;
import org.junit.jupiter.api.Test;

/** A LangChain4j AiServices agent answers through bursar on the embedded model. */
final class AgentOnEmbeddedModelTest {

  @Test
  void aiServicesAgent_answersThroughBursar() {
    assumeThat(EmbeddedModel.available()).as("the embedded model's weights are in this build").isTrue();

    assertThat(ReadmeExample.ask("What is 17+25*3?")).isEqualTo("92");
  }
}

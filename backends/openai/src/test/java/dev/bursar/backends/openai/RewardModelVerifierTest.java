package dev.bursar.backends.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.BackendException;
import java.net.URI;
import org.junit.jupiter.api.Test;

final class RewardModelVerifierTest {

  @Test
  void scoresASampleAsATwoTurnConversation_readingTheLastTokensValue() {
    try (var server = new FakeOpenAiServer();
        var verifier = new RewardModelVerifier(UpstreamClient.Settings.of(URI.create(server.poolingUrl())), "rm")) {
      assertThat(verifier.score("What is 17+25*3?", "25*3=75, 17+75=92. A:92")).isEqualTo(2.0);
      assertThat(verifier.score("What is 17+25*3?", "A:126")).isEqualTo(-1.0);
      assertThat(server.scored.get()).isEqualTo(2);
      assertThat(verifier.name()).isEqualTo("rm");
    }
  }

  @Test
  void readsOneValue_aListOrAListPerToken_andSaysWhatItExpectedOtherwise() {
    assertThat(RewardModelVerifier.scoreOf("{\"data\":[{\"data\":0.75}]}", "rm")).isEqualTo(0.75);
    assertThat(RewardModelVerifier.scoreOf("{\"data\":[{\"data\":[3.5]}]}", "rm")).isEqualTo(3.5);
    assertThat(RewardModelVerifier.scoreOf("{\"data\":[{\"data\":[[0.2,0.8],[0.1,0.9]]}]}", "rm")).isEqualTo(0.9);
    assertThatThrownBy(() -> RewardModelVerifier.scoreOf("{\"data\":[]}", "rm"))
        .isInstanceOf(BackendException.class).hasMessageContaining("gave no score").hasMessageContaining("/pooling");
    assertThatThrownBy(() -> RewardModelVerifier.scoreOf("<html>", "rm")).hasMessageContaining("not JSON");
  }

  @Test
  void aRefusalIsAnErrorNamingTheStatus() {
    try (var server = new FakeOpenAiServer();
        var verifier = new RewardModelVerifier(UpstreamClient.Settings.of(URI.create(server.baseUrl() + "/nowhere")), "rm")) {
      assertThatThrownBy(() -> verifier.score("q", "a")).isInstanceOf(BackendException.class).hasMessageContaining("HTTP 404");
    }
  }
}

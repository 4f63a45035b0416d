package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.djl.GenerationDefaults;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Mode;
import dev.bursar.controller.ReasoningFormat;
import dev.bursar.controller.Sampling;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the controller reads a chat model's reply and plans it: answered unless empty, one sample. */
final class ChatFormatTest {

  @Test
  void chatReplies_areAnswered_evenWhenTheyOpenAThinkTag() {
    assertThat(Answers.read("Paris is the capital of France.", SidecarFactory.CHAT_FORMAT)).isPresent();
    // the embedded model's format takes an unclosed <think> for a cut-off chain with no answer; a chat model's is not
    assertThat(Answers.read("<think>Let me recall the capital", ReasoningFormat.THINK_TAGS)).isEmpty();
    assertThat(Answers.read("<think>Let me recall the capital", SidecarFactory.CHAT_FORMAT)).isPresent();
    assertThat(Answers.read("<think>France...</think>\n\nIt is Paris.", SidecarFactory.CHAT_FORMAT)).contains("It is Paris.");
    assertThat(Answers.read("", SidecarFactory.CHAT_FORMAT)).isEmpty();
  }

  @Test
  void chatPlan_isOneSample_sampledAndCappedAsGenerationConfigSays() {
    var p = SidecarFactory.chatPlan(new GenerationDefaults(new Sampling(0.6, 0.9, 50, 0), 300, List.of()));
    assertThat(p.mode()).isInstanceOf(Mode.Fast.class);
    assertThat(p.sampling()).isEqualTo(new Sampling(0.6, 0.9, 50, 0));
    assertThat(p.describe()).isEqualTo("FAST(300)");
    assertThat(SidecarFactory.chatPlan(GenerationDefaults.NONE).maxTokensPerSample()).isEqualTo(SidecarFactory.CHAT_MAX_TOKENS);
  }
}

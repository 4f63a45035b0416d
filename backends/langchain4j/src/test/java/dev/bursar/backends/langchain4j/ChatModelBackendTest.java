package dev.bursar.backends.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import org.junit.jupiter.api.Test;

final class ChatModelBackendTest {

  @Test
  void controller_drivesALangChain4jModel_andVotes() {
    var model = new ScriptedChatModel();
    var controller = ComputeController.builder().backend(new ChatModelBackend(model, "scripted"))
        .plan(Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), null, false), 64)).build();

    Outcome out = controller.run(Request.of("What is 17+25*3?"));

    assertThat(out).isInstanceOfSatisfying(Outcome.Answered.class, a -> {
      assertThat(a.answer()).isEqualTo("92");
      assertThat(a.spend().samples()).isBetween(2, 7);
    });
    assertThat(model.calls.get()).isEqualTo(out.spend().samples());
  }

  @Test
  void bursarChatModel_overALangChain4jModel_answersWithUsage() {
    var controller = ComputeController.builder().backend(new ChatModelBackend(new ScriptedChatModel(), "scripted"))
        .plan(Plan.selfConsistency(new Mode.SelfConsistency(4, 4, StoppingRules.beta(0.95), null, false), 64)).build();
    var chat = BursarChatModel.of(controller);

    var r = chat.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
        .messages(dev.langchain4j.data.message.UserMessage.from("What is 17+25*3?")).build());

    assertThat(r.aiMessage().text()).isEqualTo("92");
    assertThat(r.tokenUsage().outputTokenCount()).isPositive();
    assertThat(r.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.STOP);
  }
}

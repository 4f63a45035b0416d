package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.arithmetic.AnswerChecker;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed weights load from the classpath and solve easy problems; ask parses human questions. */
final class EmbeddedModelTest {
  private static DjlBackend backend;

  @BeforeAll
  static void init() {
    assertThat(EmbeddedModel.available()).as("embedded weights on the classpath").isTrue();
    backend = DjlBackend.builder().embeddedModel().build();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void embedded_solvesEasyProblemsGreedily() {
    int correct = 0;
    int n = 30;
    for (int i = 0; i < n; i++) {
      Problem p = ArithmeticTask.generate(1_000 + i, Bucket.EASY);
      Generation g = backend.generate(GenerationRequest.of(p.prompt(), 1, 128, Sampling.GREEDY), TokenListener.NONE).getFirst();
      assertThat(g.finish()).isEqualTo(FinishReason.EOS);
      if (AnswerChecker.isCorrect(g.text(), p)) correct++;
    }
    assertThat(correct).isGreaterThanOrEqualTo(27);
  }

  @Test
  void ask_parsesAHumanQuestion_andReportsThinking() {
    EmbeddedAsk.Reply r = EmbeddedAsk.ask(backend, "What is 7+8*2?", 1, 0, 0);
    assertThat(r.expression()).isEqualTo("7+8*2");
    assertThat(r.expected()).isEqualTo(23);
    assertThat(r.thinking()).containsAnyOf("8*2=16", "2*8=16"); // operands may be written either way
    assertThat(r.tokens()).isPositive();
    assertThat(r.toJson()).contains("\"answer\":").contains("\"thinking\":").contains("\"tokens\":").contains("\"millis\":");
    EmbeddedAsk.Reply voted = EmbeddedAsk.ask(backend, "17+25*3", 4, 0.8, 3);
    assertThat(voted.votes().values().stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(4);
    assertThatThrownBy(() -> EmbeddedAsk.ask(backend, "What is the capital of France?", 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

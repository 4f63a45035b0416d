package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class TypedQuestionsTest {
  @Test
  void sameSeedSameQuestions_otherSeedOthers() {
    assertThat(TypedQuestions.draw(100, 10)).isEqualTo(TypedQuestions.draw(100, 10)).hasSize(100)
        .isNotEqualTo(TypedQuestions.draw(100, 11));
  }

  @Test
  void valueFollowsPrecedence() {
    assertThat(TypedQuestions.value(new long[] {10, 29}, new String[] {"-"})).isEqualTo(-19);
    assertThat(TypedQuestions.value(new long[] {9, 39, 30}, new String[] {"-", "+"})).isEqualTo(0);
    assertThat(TypedQuestions.value(new long[] {17, 25, 3}, new String[] {"+", "*"})).isEqualTo(92);
    assertThat(TypedQuestions.value(new long[] {21, 15, 17}, new String[] {"*", "*"})).isEqualTo(5355);
    assertThat(TypedQuestions.value(new long[] {5, 6, 7}, new String[] {"*", "-"})).isEqualTo(23);
  }

  @Test
  void everyQuestionParsesToItsValue_negativeResultsIncluded() {
    for (TypedQuestions.Question q : TypedQuestions.draw(300, 3)) {
      assertThat(q.numbers()).isBetween(2, 3);
      Problem p = QuestionParser.parseProblem(q.text());
      assertThat(p.answer()).as(q.text()).isEqualTo(q.expected());
      assertThat(p.sequenceTokens()).isLessThanOrEqualTo(ArithmeticTask.MAX_SEQUENCE_TOKENS);
      assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(p.prompt(), p.completion()))).as(p.text()).isTrue();
    }
  }

  @Test
  void trainingProblemsComeFromTheSameDistribution_butNeverTheHeldOutQuestions() {
    var heldOut = TypedQuestions.heldOutExpressions(200);
    assertThat(heldOut).contains(QuestionParser.parse(TypedQuestions.draw(1, TypedQuestions.EVALUATION_SEED).getFirst().text()));
    var mix = TrainingExamples.Mix.DEFAULT.withTypedFraction(1.0).withRandomOrderFraction(0.6).withSwapFraction(0.5);
    int threeNumbers = 0;
    int negative = 0;
    for (TrainingExample x : TrainingExamples.stream(4, mix, heldOut).limit(3000).toList()) {
      assertThat(heldOut).doesNotContain(x.problem().expression());
      assertThat(x.problem().ops()).isBetween(1, 2);
      assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(x.prompt(), x.completion()))).as(x.text()).isTrue();
      if (x.problem().ops() == 2) threeNumbers++;
      if (x.problem().answer() < 0) negative++;
    }
    assertThat(threeNumbers).isBetween(1200, 1800);
    assertThat(negative).isGreaterThan(300);
  }
}

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
  void everyQuestionWithAResultTheTaskAcceptsParsesToThatValue() {
    List<TypedQuestions.Question> qs = TypedQuestions.draw(200, 3);
    int parsed = 0;
    for (TypedQuestions.Question q : qs) {
      assertThat(q.numbers()).isBetween(2, 3);
      Problem p;
      try {
        p = QuestionParser.parseProblem(q.text());
      } catch (IllegalArgumentException e) {
        // only chains that go below zero are outside the task; the parser says so
        assertThat(e.getMessage()).as(q.text()).contains("0..");
        continue;
      }
      parsed++;
      assertThat(p.answer()).as(q.text()).isEqualTo(q.expected());
    }
    assertThat(parsed).isGreaterThan(qs.size() / 2);
  }
}

package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AnswerCheckerTest {

  @Test
  void extractsTheLastAnswer() {
    assertThat(AnswerChecker.extractAnswer("<think>17+75=92\n</think>A:92\n<eos>")).hasValue(92);
    assertThat(AnswerChecker.extractAnswer("Q:1+1\n<think></think>A:2<eos>")).hasValue(2);
    assertThat(AnswerChecker.extractAnswer("A:5\nA:7")).hasValue(7);
    assertThat(AnswerChecker.extractAnswer("A: 41 \n")).hasValue(41);
    assertThat(AnswerChecker.extractAnswer("A:-3\n")).hasValue(-3);
  }

  @Test
  void noOrUnparsableAnswerIsEmpty() {
    assertThat(AnswerChecker.extractAnswer("<think>1+1=2\n")).isEqualTo(OptionalLong.empty());
    assertThat(AnswerChecker.extractAnswer("</think>A:\n")).isEmpty();
    assertThat(AnswerChecker.extractAnswer("</think>A:9*\n")).isEmpty();
    assertThat(AnswerChecker.answerText("</think>A:9*\n")).hasValue("9*");
    assertThat(AnswerChecker.answerText("no marker")).isEmpty();
  }

  @Test
  void gradesExactly() {
    Problem p = ArithmeticTask.solve("17+25*3");
    assertThat(AnswerChecker.isCorrect(p.completion(), p)).isTrue();
    assertThat(AnswerChecker.isCorrect(p.forcedCompletion(0), 92)).isTrue();
    assertThat(AnswerChecker.isCorrect("</think>A:93\n", p)).isFalse();
    assertThat(AnswerChecker.isCorrect("</think>A:092\n", 92)).isTrue();
  }
}

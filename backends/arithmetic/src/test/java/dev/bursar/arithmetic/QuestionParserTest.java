package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QuestionParserTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "What is 17+25*3?",
        "17+25*3",
        "17 + 25 * 3",
        "what's 17 plus 25 times 3",
        "What’s 17 plus 25 times 3?",
        "17+25*3=",
        "17 + 25 × 3 = ?",
        "17+25x3",
        "17 + 25 X 3",
        "Calculate 17 + 25 multiplied by 3.",
        "Q:17+25*3",
        "how much is 17+25·3",
        "  WHAT IS 17+25*3  ??  ",
        "What does 17+25*3 equal?",
        "017+25*3"
      })
  void acceptsTheSameQuestionWrittenManyWays(String question) {
    assertThat(QuestionParser.parse(question)).isEqualTo("17+25*3");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Compute 12*(3-1)|12*(3-1)",
        "What is 20 − 7?|20-7",
        "20 – 7 minus 3|20-7-3",
        "(2*3)+4=|2*3+4",
        "evaluate (5+5)*(9-2)|(5+5)*(9-2)",
        "3x(4+1)|3*(4+1)",
        "what is 999+1|999+1"
      })
  void canonicalizes(String question, String expected) {
    assertThat(QuestionParser.parse(question)).isEqualTo(expected);
    assertThat(ArithmeticTask.prompt(QuestionParser.parse(question))).isEqualTo("Q:" + expected + "\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "What is the capital of France?|not an arithmetic question",
        "What is 12/4?|division",
        "12 divided by 4|division",
        "12 ÷ 4|division",
        "What is 1234+5?|too large",
        "What is 2^10?|exponents",
        "What is 1.5+2?|decimal",
        "What is -3+5?|negative",
        "What is 5*(3-8)?|negative inside",
        "What is 999*999*2?|out of the model's range",
        "1+1+1+1+1+1+1+1|more than 6",
        "What is 42?|no operation",
        "|empty",
        "What is 12 34?|missing operator",
        "What is (3+4?|parentheses",
        "What is 3+?|missing",
        "What is 3 & 4?|unexpected character"
      })
  void rejectsWithAClearMessage(String question, String reason) {
    String q = question == null ? "" : question;
    assertThatThrownBy(() -> QuestionParser.parse(q))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason)
        .hasMessageContaining("e.g. 'What is 17+25*3?'");
    assertThat(QuestionParser.accepts(q)).isFalse();
  }

  @Test
  void parseProblemSolvesIt() {
    Problem p = QuestionParser.parseProblem("what's 17 plus 25 times 3");
    assertThat(p.answer()).isEqualTo(92);
    assertThat(p.bucket()).isNull();
    assertThat(p.prompt()).isEqualTo("Q:17+25*3\n");
  }
}

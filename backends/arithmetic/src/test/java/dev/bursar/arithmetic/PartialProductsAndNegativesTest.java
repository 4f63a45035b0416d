package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chain-of-thought format for multi-digit products and for chains that run below zero. */
final class PartialProductsAndNegativesTest {

  @Test
  void twoMultiDigitFactorsAreWorkedByPartialProducts() {
    assertThat(ArithmeticTask.solve("35*23").stepLines()).containsExactly("35*23=35*20+35*3=700+105=805");
    assertThat(ArithmeticTask.solve("35*123").stepLines())
        .containsExactly("35*123=35*100+35*20+35*3=3500+700+105=4200+105=4305");
    assertThat(ArithmeticTask.solve("47*83*29").stepLines()).containsExactly(
        "47*83=47*80+47*3=3760+141=3901;3901*29", "3901*29=3901*20+3901*9=78020+35109=113129");
    // a one-digit factor, or a right factor with one non-zero digit, is multiplied in one go
    assertThat(ArithmeticTask.solve("7*23").stepLines()).containsExactly("7*23=161");
    assertThat(ArithmeticTask.solve("23*7").stepLines()).containsExactly("23*7=161");
    assertThat(ArithmeticTask.solve("35*20").stepLines()).containsExactly("35*20=700");
    assertThat(Step.work(35, '+', 23)).isEmpty();
  }

  @Test
  void theCheckerWantsThePartialProductsRight() {
    assertThat(StepChecker.allCorrect(StepChecker.check("35*23", List.of("35*23=35*20+35*3=700+105=805")))).isTrue();
    // swapped: the partial products of the other factor
    assertThat(StepChecker.allCorrect(StepChecker.check("35*23", List.of("23*35=23*30+23*5=690+115=805")))).isTrue();
    StepCheck wrongPartial = StepChecker.check("35*23", List.of("35*23=35*20+35*3=700+95=795")).getFirst();
    assertThat(wrongPartial.verdict()).isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    StepCheck rightSumWrongWork = StepChecker.check("35*23", List.of("35*23=35*20+35*3=700+95=805")).getFirst();
    assertThat(rightSumWrongWork.verdict()).isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    assertThat(rightSumWrongWork.detail()).contains("partial products of 35*23 are '35*20+35*3=700+105'");
    StepCheck skipped = StepChecker.check("35*23", List.of("35*23=805")).getFirst();
    assertThat(skipped.verdict()).isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    assertThat(StepChecker.check("35*23", List.of("35*23=35*20+=805")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    assertThat(StepChecker.check("35*23", List.of("35*23=")).getFirst().verdict()).isEqualTo(StepCheck.Verdict.MALFORMED);
  }

  @Test
  void aChainMayRunBelowZeroAsItsLeadingValue() {
    assertThat(ArithmeticTask.solve("10-29").stepLines()).containsExactly("10-29=-19");
    assertThat(ArithmeticTask.solve("9-39+30").stepLines()).containsExactly("9-39=-30;-30+30", "-30+30=0");
    Problem p = ArithmeticTask.solve("5-80*99");
    assertThat(p.answer()).isEqualTo(-7915);
    assertThat(p.stepLines()).containsExactly("80*99=80*90+80*9=7200+720=7920;5-7920", "5-7920=-7915");
    assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(p.prompt(), p.completion()))).isTrue();
    assertThat(AnswerChecker.extractAnswer(p.completion())).hasValue(-7915);
    assertThat(StepChecker.allCorrect(StepChecker.check("9-39+30", List.of("9-39=-30;-30+30", "-30+30=0")))).isTrue();
    assertThat(StepChecker.check("9-39+30", List.of("9-39=30;30+30")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    // a negative value inside an expression has no reading in the format
    assertThatThrownBy(() -> ArithmeticTask.solve("5*(2-9)")).hasMessageContaining("negative inside");
    assertThatThrownBy(() -> ArithmeticTask.solve("5-(2-9)")).hasMessageContaining("negative inside");
  }

  @Test
  void aNegativeLeadingValueIsNeverSwappedOrRegrouped() {
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      Problem p = ArithmeticTask.swapOperands(ArithmeticTask.randomOrder(ArithmeticTask.solve("2-9+95+98-6"), random), random, 1.0);
      assertThat(p.answer()).isEqualTo(180);
      for (Step s : p.steps()) assertThat(s.right()).isNotNegative();
      assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(p.prompt(), p.completion()))).as(p.text()).isTrue();
    }
  }

  @Test
  void questionsMayGoBelowZeroButNotStartThere() {
    assertThat(QuestionParser.parse("what's 10 minus 29")).isEqualTo("10-29");
    assertThat(QuestionParser.parseProblem("How much is 9 - 39 + 30?").answer()).isZero();
    assertThatThrownBy(() -> QuestionParser.parse("-5+3")).hasMessageContaining("negative numbers");
  }
}

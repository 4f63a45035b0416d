package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwapOperandsTest {

  @Test
  void swappedCommutativeStepsCheckAsValidButNotCanonical() {
    List<StepCheck> checks = StepChecker.check("17+25*3", List.of("3*25=75;17+75", "75+17=92"));
    assertThat(checks).allSatisfy(c -> {
      assertThat(c.verdict()).isEqualTo(StepCheck.Verdict.VALID);
      assertThat(c.correct()).isTrue();
      assertThat(c.canonical()).isFalse();
      assertThat(c.detail()).contains("swapped");
    });
    assertThat(StepChecker.allCorrect(StepChecker.check("81*92", List.of("92*81=92*80+92*1=7360+92=7452")))).isTrue();
    assertThat(StepChecker.allCorrect(StepChecker.check("5+17", List.of("17+5=22")))).isTrue();
    // repeated operands: the occurrence the rewrite names is the one checked
    assertThat(StepChecker.allCorrect(StepChecker.check("8+8+8", List.of("8+8=16;8+16", "16+8=24")))).isTrue();
    assertThat(StepChecker.allCorrect(StepChecker.check("8+8+8", List.of("8+8=16;16+8", "8+16=24")))).isTrue();
    // swapping combines with any admissible order
    assertThat(StepChecker.allCorrect(StepChecker.check("(1+2)*(3+4)", List.of("4+3=7;(1+2)*7", "2+1=3;3*7", "7*3=21"))))
        .isTrue();
  }

  @Test
  void swappedSubtractionAndSwappedNonAdmissibleOperationsAreWrongOperations() {
    List<StepCheck> checks = StepChecker.check("9-4", List.of("4-9=5"));
    assertThat(checks.getFirst().verdict()).isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
    assertThat(checks.getFirst().correct()).isFalse();
    checks = StepChecker.check("9-4+2", List.of("9-4=5;5+2", "2+5=7"));
    assertThat(StepChecker.allCorrect(checks)).isTrue();
    assertThat(StepChecker.check("9-4+2", List.of("2+4=6;9-6")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
    assertThat(StepChecker.check("17+25*3", List.of("25+17=42;42*3")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
    // a swapped step still needs the right result and rest
    assertThat(StepChecker.check("17+25*3", List.of("3*25=76;17+76")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    assertThat(StepChecker.check("17+25*3", List.of("3*25=75;17+57")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.REWRITE_ERROR);
    assertThat(StepChecker.check("17+25*3", List.of("3*25=75;75+17")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.REWRITE_ERROR);
  }

  @Test
  void aWrittenRestWithParenthesesAroundALoneNumberIsARewriteErrorAndCheckingGoesOn() {
    // seen in sampled chains: the model kept '(2531)'; the checker must not fail on the next line
    List<StepCheck> checks = StepChecker.check(
        "(2500+31)*30+36", List.of("2500+31=2531;(2531)*30+36", "2531*30=75930;75930+36", "75930+36=75966"));
    assertThat(checks.get(0).verdict()).isEqualTo(StepCheck.Verdict.REWRITE_ERROR);
    assertThat(checks.get(1).verdict()).isEqualTo(StepCheck.Verdict.VALID);
    assertThat(checks.get(2).verdict()).isEqualTo(StepCheck.Verdict.VALID);
    assertThat(checks.get(2).correct()).isFalse();
    assertThat(StepChecker.check("((7))*2", List.of("7*2=14")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.WRONG_OPERATION); // the prompt itself is not rewritten
  }

  @Test
  void swappedChainsAlwaysCheckAndReachTheAnswer() {
    Random random = new Random(17);
    int swappedSteps = 0;
    for (Bucket b : Bucket.values()) {
      for (int i = 0; i < 400; i++) {
        Problem p = ArithmeticTask.generate(random, b);
        Problem r = ArithmeticTask.swapOperands(ArithmeticTask.randomOrder(p, random), random, 0.5);
        assertThat(r.expression()).isEqualTo(p.expression());
        assertThat(r.answer()).isEqualTo(p.answer());
        assertThat(r.bucket()).isEqualTo(b);
        assertThat(r.sequenceTokens()).isLessThanOrEqualTo(ArithmeticTask.MAX_SEQUENCE_TOKENS);
        List<StepCheck> checks = StepChecker.checkCompletion(r.prompt(), r.completion());
        assertThat(StepChecker.allCorrect(checks)).as(r.text()).isTrue();
        assertThat(AnswerChecker.isCorrect(r.completion(), p)).isTrue();
        for (Step s : r.steps()) {
          if (s.op() == '-' && s.result() >= 0) {
            assertThat(s.left()).isGreaterThanOrEqualTo(s.right());
          }
        }
        swappedSteps += (int) checks.stream().filter(c -> c.detail().contains("swapped")).count();
      }
    }
    assertThat(swappedSteps).isGreaterThan(1000);
  }

  @Test
  void subtractionIsNeverSwappedAndProbabilityBoundsHold() {
    Problem p = ArithmeticTask.solve("9-4-2+8*3");
    Random random = new Random(1);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Problem r = ArithmeticTask.swapOperands(p, random, 1.0);
      seen.addAll(r.stepLines());
      assertThat(StepChecker.allCorrect(StepChecker.check(r, r.stepLines()))).isTrue();
    }
    assertThat(seen).containsExactlyInAnyOrder("3*8=24;9-4-2+24", "9-4=5;5-2+24", "5-2=3;3+24", "24+3=27");
    assertThat(ArithmeticTask.swapOperands(p, random, 0.0).stepLines()).isEqualTo(p.stepLines());
    assertThatThrownBy(() -> ArithmeticTask.swapOperands(p, new Random(1), 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatorIsDeterministicAndDefaultMixHasNoSwaps() {
    Problem p = ArithmeticTask.solve("12*34+5*6+7");
    List<List<String>> a = new ArrayList<>();
    List<List<String>> b = new ArrayList<>();
    Random ra = new Random(5);
    Random rb = new Random(5);
    for (int i = 0; i < 50; i++) {
      a.add(ArithmeticTask.swapOperands(p, ra, 0.5).stepLines());
      b.add(ArithmeticTask.swapOperands(p, rb, 0.5).stepLines());
    }
    assertThat(a).isEqualTo(b);
    assertThat(new HashSet<>(a)).hasSizeGreaterThan(4);
    var mix = new TrainingExamples.Mix(Map.of(Bucket.HARD, 1.0, Bucket.HARDER, 1.0), 0.3, 0.6, 0.5);
    assertThat(TrainingExamples.stream(8, mix).limit(300).toList())
        .isEqualTo(TrainingExamples.stream(8, mix).limit(300).toList());
    int swapped = 0;
    for (TrainingExample x : TrainingExamples.stream(9, mix).limit(500).toList()) {
      List<StepCheck> checks = StepChecker.checkCompletion(x.prompt(), x.completion());
      assertThat(StepChecker.allCorrect(checks)).as(x.text()).isTrue();
      if (checks.stream().anyMatch(c -> c.detail().contains("swapped"))) swapped++;
    }
    assertThat(swapped).isGreaterThan(300);
    assertThat(TrainingExamples.Mix.DEFAULT.swapFraction()).isZero(); // canonical by default
    assertThat(TrainingExamples.Mix.DEFAULT.withSwapFraction(0.5).swapFraction()).isEqualTo(0.5);
    // the default stream is unchanged by the swap knob at 0: canonical chains
    for (TrainingExample x : TrainingExamples.stream(22, TrainingExamples.Mix.DEFAULT).limit(300).toList()) {
      assertThat(x.problem().stepLines()).isEqualTo(ArithmeticTask.solve(x.problem().expression()).stepLines());
    }
    assertThatThrownBy(() -> TrainingExamples.Mix.DEFAULT.withSwapFraction(-0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StepCheckerTest {

  @Test
  void everyGeneratedStepChecksCorrectAndCanonical() {
    for (Bucket b : Bucket.values()) {
      Random r = new Random(b.ordinal() + 100);
      for (int i = 0; i < 200; i++) {
        Problem p = ArithmeticTask.generate(r, b);
        List<StepCheck> checks = StepChecker.check(p, p.stepLines());
        assertThat(checks).hasSize(p.ops());
        assertThat(checks).allSatisfy(c -> {
          assertThat(c.verdict()).as(p.expression() + " / " + c.line()).isEqualTo(StepCheck.Verdict.VALID);
          assertThat(c.correct()).isTrue();
          assertThat(c.canonical()).isTrue();
          assertThat(c.arithmeticOk()).isTrue();
          assertThat(c.consistent()).isTrue();
          assertThat(c.expected()).isEqualTo(c.line());
        });
        assertThat(StepChecker.checkCompletion(p.prompt(), p.completion())).isEqualTo(checks);
      }
    }
  }

  @Test
  void corruptedResultIsAnArithmeticErrorAndLaterStepsAreNotCorrect() {
    List<StepCheck> checks =
        StepChecker.check("17+25*3", List.of("25*3=76;17+76", "17+76=93"));
    assertThat(checks.get(0).verdict()).isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    assertThat(checks.get(0).arithmeticOk()).isFalse();
    assertThat(checks.get(0).correct()).isFalse();
    assertThat(checks.get(0).expected()).isEqualTo("25*3=75;17+75");
    assertThat(checks.get(0).detail()).contains("75");
    // locally valid against the model's own state, but the chain is off track
    assertThat(checks.get(1).verdict()).isEqualTo(StepCheck.Verdict.VALID);
    assertThat(checks.get(1).correct()).isFalse();
  }

  @Test
  void randomCorruptionsOfGeneratedChainsAreFlagged() {
    Random r = new Random(3);
    for (int i = 0; i < 300; i++) {
      Problem p = ArithmeticTask.generate(r, Bucket.values()[i % Bucket.values().length]);
      List<String> lines = new ArrayList<>(p.stepLines());
      int k = r.nextInt(lines.size());
      Step s = p.steps().get(k);
      long wrong = s.result() + 1 + r.nextInt(9);
      String head = s.left() + String.valueOf(s.op()) + s.right() + "=" + wrong;
      lines.set(k, s.isFinal() ? head : head + ";" + s.rest());
      List<StepCheck> checks = StepChecker.check(p, lines);
      for (int j = 0; j < checks.size(); j++) {
        assertThat(checks.get(j).correct()).as(p.expression() + " step " + j).isEqualTo(j < k);
      }
      assertThat(checks.get(k).verdict()).isEqualTo(StepCheck.Verdict.ARITHMETIC_ERROR);
    }
  }

  @Test
  void precedenceViolationIsAWrongOperation() {
    List<StepCheck> checks = StepChecker.check("17+25*3", List.of("17+25=42;42*3", "42*3=126"));
    assertThat(checks.get(0).verdict()).isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
    assertThat(checks.get(0).arithmeticOk()).isTrue();
    assertThat(checks.get(0).consistent()).isFalse();
    assertThat(checks.get(1).correct()).isFalse();
    assertThat(StepChecker.check("9-4+2", List.of("4+2=6;9-6")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
    assertThat(StepChecker.check("9-4+2", List.of("8-4=4;4+2")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.WRONG_OPERATION);
  }

  @Test
  void rewriteErrorsMalformedAndExtraSteps() {
    assertThat(StepChecker.check("17+25*3", List.of("25*3=75;17+57")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.REWRITE_ERROR);
    assertThat(StepChecker.check("17+25*3", List.of("25*3=75")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.REWRITE_ERROR);
    assertThat(StepChecker.check("17+25*3", List.of("25*3 is 75")).getFirst().verdict())
        .isEqualTo(StepCheck.Verdict.MALFORMED);
    List<StepCheck> extra = StepChecker.check("2+3", List.of("2+3=5", "5+0=5"));
    assertThat(extra.get(0).correct()).isTrue();
    assertThat(extra.get(1).verdict()).isEqualTo(StepCheck.Verdict.EXTRA_STEP);
    assertThat(extra.get(1).correct()).isFalse();
  }

  @Test
  void anyLegalOrderIsValidButOnlyTheTrainedOneIsCanonical() {
    List<StepCheck> checks =
        StepChecker.check("(1+2)*(3+4)", List.of("3+4=7;(1+2)*7", "1+2=3;3*7", "3*7=21"));
    assertThat(checks).allMatch(StepCheck::correct);
    assertThat(checks.get(0).canonical()).isFalse();
    assertThat(checks.get(0).expected()).isEqualTo("1+2=3;3*(3+4)");
    assertThat(checks.get(2).canonical()).isTrue();
  }

  @Test
  void thinkingLinesIgnoreTheIncompleteLastLineAndTheAnswer() {
    assertThat(StepChecker.thinkingLines("<think>25*3=75;17+75\n17+7")).containsExactly("25*3=75;17+75");
    assertThat(StepChecker.thinkingLines("<think>25*3=75;17+75\n17+75=92\n</think>A:92\n<eos>"))
        .containsExactly("25*3=75;17+75", "17+75=92");
    assertThat(StepChecker.thinkingLines("<think>")).isEmpty();
    assertThat(StepChecker.expressionOf("Q:17+25*3\n")).isEqualTo("17+25*3");
    assertThat(StepChecker.expressionOf("<bos>Q:17+25*3\n")).isEqualTo("17+25*3");
  }
}

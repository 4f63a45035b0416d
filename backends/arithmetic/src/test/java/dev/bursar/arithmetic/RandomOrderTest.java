package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomOrderTest {

  @Test
  void randomOrderChainsAlwaysCheckAsValidAndReachTheAnswer() {
    Random random = new Random(11);
    int nonCanonical = 0;
    for (Bucket b : Bucket.values()) {
      for (int i = 0; i < 400; i++) {
        Problem p = ArithmeticTask.generate(random, b);
        Problem r = ArithmeticTask.randomOrder(p, random);
        assertThat(r.expression()).isEqualTo(p.expression());
        assertThat(r.answer()).isEqualTo(p.answer());
        assertThat(r.bucket()).isEqualTo(b);
        assertThat(r.ops()).isEqualTo(p.ops());
        assertThat(r.steps().getLast().result()).isEqualTo(p.answer());
        assertThat(r.sequenceTokens()).isLessThanOrEqualTo(ArithmeticTask.MAX_SEQUENCE_TOKENS);
        List<StepCheck> checks = StepChecker.checkCompletion(r.prompt(), r.completion());
        assertThat(checks).hasSize(r.ops());
        assertThat(StepChecker.allCorrect(checks)).as(r.text()).isTrue();
        assertThat(AnswerChecker.isCorrect(r.completion(), p)).isTrue();
        for (Step s : r.steps()) {
          assertThat(Math.abs(s.result())).isLessThan(b.difficulty().maxValue());
          assertThat(s.line()).matches("-?\\d+[+*-]\\d+(=[0-9+*]+)*=-?\\d+(;[0-9+*()-]+)?");
        }
        if (checks.stream().anyMatch(c -> !c.canonical())) {
          nonCanonical++;
        }
      }
    }
    assertThat(nonCanonical).isGreaterThan(500);
  }

  @Test
  void severalOrdersOccurForAMultiOperationProblem() {
    Problem p = ArithmeticTask.solve("2*3+4*5-6+7");
    Set<List<String>> orders = new HashSet<>();
    Random random = new Random(3);
    for (int i = 0; i < 200; i++) {
      Problem r = ArithmeticTask.randomOrder(p, random);
      assertThat(StepChecker.allCorrect(StepChecker.check(r, r.stepLines()))).isTrue();
      assertThat(r.answer()).isEqualTo(2 * 3 + 4 * 5 - 6 + 7);
      orders.add(r.stepLines());
    }
    assertThat(orders).hasSizeGreaterThanOrEqualTo(5).contains(p.stepLines());
    // associativity regroupings occur, and the forbidden one never does
    assertThat(orders).anySatisfy(o -> assertThat(o.getFirst()).isEqualTo("4*5=20;2*3+20-6+7"));
    Set<String> firstLines = new HashSet<>();
    Random r2 = new Random(4);
    for (int i = 0; i < 200; i++) {
      firstLines.add(ArithmeticTask.randomOrder(ArithmeticTask.solve("9+4-2+7"), r2).stepLines().getFirst());
    }
    assertThat(firstLines).containsExactlyInAnyOrder("9+4=13;13-2+7", "4-2=2;9+2+7");
    for (int i = 0; i < 100; i++) {
      List<String> lines = ArithmeticTask.randomOrder(ArithmeticTask.solve("9-4+2"), r2).stepLines();
      assertThat(lines).containsExactly("9-4=5;5+2", "5+2=7");
    }
  }

  @Test
  void negativeIntermediatesAreSkippedAndParenthesesNeedNotBeInnermostFirst() {
    Random random = new Random(5);
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      List<String> lines = ArithmeticTask.randomOrder(ArithmeticTask.solve("9+2-5"), random).stepLines();
      assertThat(lines).containsExactly("9+2=11;11-5", "11-5=6");
      firsts.add(ArithmeticTask.randomOrder(ArithmeticTask.solve("(1+2)*(3+4)"), random).stepLines().getFirst());
    }
    assertThat(firsts).containsExactlyInAnyOrder("1+2=3;3*(3+4)", "3+4=7;(1+2)*7");
  }

  @Test
  void deterministicGivenTheSeed() {
    Problem p = ArithmeticTask.solve("12+3*4-5*2+(7-3)*2");
    List<List<String>> a = new java.util.ArrayList<>();
    List<List<String>> b = new java.util.ArrayList<>();
    Random ra = new Random(99);
    Random rb = new Random(99);
    for (int i = 0; i < 20; i++) {
      a.add(ArithmeticTask.randomOrder(p, ra).stepLines());
      b.add(ArithmeticTask.randomOrder(p, rb).stepLines());
    }
    assertThat(a).isEqualTo(b);
    var mix = new TrainingExamples.Mix(Map.of(Bucket.HARD, 1.0), 0.3, 0.6);
    assertThat(TrainingExamples.stream(8, mix).limit(300).toList())
        .isEqualTo(TrainingExamples.stream(8, mix).limit(300).toList());
  }

  @Test
  void mixAppliesRandomOrderToFullAndForcedExamples() {
    var mix = new TrainingExamples.Mix(Map.of(Bucket.HARDER, 1.0), 0.5, 0.6);
    int fullReordered = 0;
    int forcedReordered = 0;
    for (TrainingExample x : TrainingExamples.stream(21, mix).limit(1000).toList()) {
      Problem canonical = ArithmeticTask.solve(x.problem().expression());
      boolean reordered = !x.problem().stepLines().equals(canonical.stepLines());
      assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(x.prompt(), x.completion()))).isTrue();
      if (reordered && x.kind() == TrainingExample.Kind.FULL) fullReordered++;
      if (reordered && x.kind() == TrainingExample.Kind.FORCED) forcedReordered++;
    }
    assertThat(fullReordered).isGreaterThan(150);
    assertThat(forcedReordered).isGreaterThan(150);
    assertThat(TrainingExamples.Mix.DEFAULT.randomOrderFraction()).isZero(); // canonical by default
    assertThat(TrainingExamples.Mix.uniform(0.3).randomOrderFraction()).isZero();
    for (TrainingExample x : TrainingExamples.stream(22, TrainingExamples.Mix.uniform(0.3)).limit(300).toList()) {
      assertThat(x.problem().stepLines()).isEqualTo(ArithmeticTask.solve(x.problem().expression()).stepLines());
    }
  }
}

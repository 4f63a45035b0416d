package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArithmeticTaskTest {

  private static final Pattern NUMBER = Pattern.compile("\\d+");

  @Test
  void generatorIsDeterministicPerSeed() {
    for (Bucket b : Bucket.values()) {
      Random r1 = new Random(99);
      Random r2 = new Random(99);
      for (int i = 0; i < 50; i++) {
        assertThat(ArithmeticTask.generate(r1, b)).isEqualTo(ArithmeticTask.generate(r2, b));
      }
      assertThat(ArithmeticTask.generate(7L, b)).isEqualTo(ArithmeticTask.generate(7L, b));
    }
    assertThat(ArithmeticTask.generate(7L, Difficulty.of(3, 2)))
        .isEqualTo(ArithmeticTask.generate(7L, Difficulty.of(3, 2)));
  }

  @Test
  void differentSeedsGiveDifferentProblems() {
    List<String> exprs = new ArrayList<>();
    for (long s = 0; s < 20; s++) {
      exprs.add(ArithmeticTask.generate(s, Bucket.HARD).expression());
    }
    assertThat(exprs).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(Bucket.class)
  void bucketProblemsRespectTheirKnobs(Bucket bucket) {
    Difficulty d = bucket.difficulty();
    Random r = new Random(bucket.ordinal());
    for (int i = 0; i < 400; i++) {
      Problem p = ArithmeticTask.generate(r, bucket);
      assertThat(p.bucket()).isEqualTo(bucket);
      assertThat(p.ops()).isBetween(d.minOps(), d.maxOps());
      Matcher m = NUMBER.matcher(p.expression());
      while (m.find()) {
        assertThat(m.group().length()).as(p.expression()).isBetween(d.minDigits(), d.maxDigits());
        assertThat(m.group()).as("no leading zeros").matches("0|[1-9]\\d*");
      }
      for (Step s : p.steps()) {
        assertThat(Math.abs(s.result())).isLessThan(d.maxValue());
        assertThat(Expr.apply(s.op(), s.left(), s.right())).isEqualTo(s.result());
      }
      assertThat(p.answer()).isEqualTo(Expr.eval(Expr.parse(p.expression())));
      assertThat(Math.abs(p.answer())).isLessThan(ArithmeticTask.MAX_VALUE);
      assertThat(p.sequenceTokens()).isLessThanOrEqualTo(ArithmeticTask.MAX_SEQUENCE_TOKENS);
      if (d.parenthesesProbability() == 0) {
        assertThat(p.expression()).doesNotContain("(");
      }
      assertThat(Expr.print(Expr.parse(p.expression()))).isEqualTo(p.expression());
    }
  }

  @Test
  void easyIsShortAndDifficultyGrows() {
    double previous = 0;
    for (Bucket b : Bucket.values()) {
      Random r = new Random(5);
      double sum = 0;
      int max = 0;
      for (int i = 0; i < 500; i++) {
        int n = ArithmeticTask.generate(r, b).sequenceTokens();
        sum += n;
        max = Math.max(max, n);
      }
      if (b == Bucket.EASY) {
        assertThat(max).isLessThanOrEqualTo(40);
      }
      assertThat(sum / 500).isGreaterThan(previous);
      previous = sum / 500;
    }
  }

  @Test
  void hardBucketsUseParenthesesAndBigMultiplications() {
    Random r = new Random(11);
    int parens = 0;
    int bigProducts = 0;
    for (int i = 0; i < 300; i++) {
      Problem p = ArithmeticTask.generate(r, Bucket.HARDEST);
      parens += p.expression().contains("(") ? 1 : 0;
      bigProducts += (int) p.steps().stream().filter(s -> s.op() == '*' && s.left() >= 10 && s.right() >= 10).count();
    }
    assertThat(parens).isGreaterThan(20);
    assertThat(bigProducts).isGreaterThan(150);
  }

  @Test
  void canonicalStepsAndTextFormat() {
    Problem p = ArithmeticTask.solve("17+25*3");
    assertThat(p.stepLines()).containsExactly("25*3=75;17+75", "17+75=92");
    assertThat(p.answer()).isEqualTo(92);
    assertThat(p.prompt()).isEqualTo("Q:17+25*3\n");
    assertThat(p.completion()).isEqualTo("<think>25*3=75;17+75\n17+75=92\n</think>A:92\n<eos>");
    assertThat(p.text()).isEqualTo(p.prompt() + p.completion());
    assertThat(ArithmeticTask.prompt("17+25*3")).isEqualTo("Q:17+25*3\n");
  }

  @Test
  void reductionOrderIsInnermostGroupThenMultiplicationThenLeftToRight() {
    assertThat(ArithmeticTask.solve("12*(3-1)").stepLines()).containsExactly("3-1=2;12*2", "12*2=24");
    assertThat(ArithmeticTask.solve("9-4+2").stepLines()).containsExactly("9-4=5;5+2", "5+2=7");
    assertThat(ArithmeticTask.solve("(3+4*2)*5").stepLines())
        .containsExactly("4*2=8;(3+8)*5", "3+8=11;11*5", "11*5=55");
    assertThat(ArithmeticTask.solve("(1+2)*(3+4)").stepLines())
        .containsExactly("1+2=3;3*(3+4)", "3+4=7;3*7", "3*7=21");
    assertThat(ArithmeticTask.solve("20-(3+4)-2").answer()).isEqualTo(11);
    assertThat(ArithmeticTask.solve("((2))*(3)+1").expression()).isEqualTo("2*3+1");
  }

  @Test
  void solveRejectsOutOfRange() {
    assertThatThrownBy(() -> ArithmeticTask.solve("5*(2-9)")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative inside");
    assertThatThrownBy(() -> ArithmeticTask.solve("999*999*2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> ArithmeticTask.solve("42")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ArithmeticTask.prompt("3+")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forcedCompletionsCutAtStepBoundaries() {
    Problem p = ArithmeticTask.solve("(3+4*2)*5");
    assertThat(p.forcedCompletion(0)).isEqualTo("<think></think>A:55\n<eos>");
    assertThat(p.forcedCompletion(1)).isEqualTo("<think>4*2=8;(3+8)*5\n</think>A:55\n<eos>");
    assertThat(p.forcedCompletion(3)).isEqualTo(p.completion());
    assertThatThrownBy(() -> p.forcedCompletion(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.forcedCompletion(-1)).isInstanceOf(IllegalArgumentException.class);
    // The probe: text up to a step boundary + FORCE_ANSWER_SUFFIX is a prefix of the forced example.
    String generatedSoFar = p.prompt() + "<think>4*2=8;(3+8)*5\n";
    assertThat(p.prompt() + p.forcedCompletion(1)).startsWith(generatedSoFar + ArithmeticTask.FORCE_ANSWER_SUFFIX);
  }

  @Test
  void difficultyValidatesKnobs() {
    assertThatThrownBy(() -> new Difficulty(0, 2, 1, 1, 100, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Difficulty(1, 7, 1, 1, 100, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Difficulty(1, 2, 1, 4, 100, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Difficulty(1, 2, 1, 1, 10_000_000, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Bucket.fromLabel("Hardest")).isEqualTo(Bucket.HARDEST);
    assertThatThrownBy(() -> Bucket.fromLabel("insane")).hasMessageContaining("easy, medium");
  }
}

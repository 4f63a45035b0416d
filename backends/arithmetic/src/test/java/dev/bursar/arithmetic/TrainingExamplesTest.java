package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingExamplesTest {

  @Test
  void sameSeedSameStream() {
    List<TrainingExample> a = TrainingExamples.stream(5, TrainingExamples.Mix.DEFAULT).limit(200).toList();
    List<TrainingExample> b = TrainingExamples.stream(5, TrainingExamples.Mix.DEFAULT).limit(200).toList();
    List<TrainingExample> c = TrainingExamples.stream(6, TrainingExamples.Mix.DEFAULT).limit(200).toList();
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void mixesBucketsAndForcedExamplesAtTheRequestedRates() {
    Map<Bucket, Double> w = new EnumMap<>(Bucket.class);
    w.put(Bucket.EASY, 3.0);
    w.put(Bucket.HARDEST, 1.0);
    List<TrainingExample> xs =
        TrainingExamples.stream(9, new TrainingExamples.Mix(w, 0.25)).limit(4000).toList();
    long easy = xs.stream().filter(x -> x.bucket() == Bucket.EASY).count();
    long forced = xs.stream().filter(x -> x.kind() == TrainingExample.Kind.FORCED).count();
    assertThat(xs).allMatch(x -> x.bucket() == Bucket.EASY || x.bucket() == Bucket.HARDEST);
    assertThat(easy / 4000.0).isBetween(0.72, 0.78);
    assertThat(forced / 4000.0).isBetween(0.22, 0.28);
  }

  @Test
  void examplesHaveTheTrainingFormat() {
    TrainingExamples.stream(1, TrainingExamples.Mix.uniform(0.5)).limit(2000).forEach(x -> {
      Problem p = x.problem();
      assertThat(x.prompt()).isEqualTo("Q:" + p.expression() + "\n");
      assertThat(x.completion()).startsWith("<think>").endsWith("</think>A:" + p.answer() + "\n<eos>");
      List<String> lines = StepChecker.thinkingLines(x.completion());
      assertThat(lines).hasSize(x.stepsShown());
      assertThat(lines).isEqualTo(p.stepLines().subList(0, x.stepsShown()));
      assertThat(StepChecker.allCorrect(StepChecker.checkCompletion(x.prompt(), x.completion()))).isTrue();
      assertThat(AnswerChecker.isCorrect(x.completion(), p)).isTrue();
      if (x.kind() == TrainingExample.Kind.FULL) {
        assertThat(x.stepsShown()).isEqualTo(p.ops());
        assertThat(x.completion()).isEqualTo(p.completion());
      } else {
        assertThat(x.stepsShown()).isBetween(0, p.ops());
      }
      assertThat(CharTokenizer.INSTANCE.encodeWithBos(x.text()).length)
          .isLessThanOrEqualTo(ArithmeticTask.MAX_SEQUENCE_TOKENS);
    });
  }

  @Test
  void forcedExamplesCoverEveryCutPoint() {
    var cuts = new java.util.HashSet<Integer>();
    TrainingExamples.stream(2, new TrainingExamples.Mix(Map.of(Bucket.HARDEST, 1.0), 1.0))
        .limit(500)
        .forEach(x -> cuts.add(x.stepsShown()));
    assertThat(cuts).contains(0, 1, 2, 3, 4, 5);
  }

  @Test
  void excludedExpressionsNeverAppear() {
    ProblemSet eval = ProblemSet.fixed(1, 40);
    Set<String> excluded = eval.expressions();
    assertThat(TrainingExamples.stream(3, TrainingExamples.Mix.uniform(0.3), excluded).limit(5000))
        .noneMatch(x -> excluded.contains(x.problem().expression()));
  }

  @Test
  void mixValidates() {
    assertThatThrownBy(() -> new TrainingExamples.Mix(Map.of(), 0.3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrainingExamples.Mix.uniform(1.5)).isInstanceOf(IllegalArgumentException.class);
  }
}

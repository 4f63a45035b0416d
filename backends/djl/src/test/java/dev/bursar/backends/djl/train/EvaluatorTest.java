package dev.bursar.backends.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The voting-gain check's arithmetic: paired accuracies, their difference and its standard error. */
final class EvaluatorTest {

  @Test
  void gainRow_pairsTheProblems_andItsStandardErrorIsThatOfTheMeanDifference() {
    // 4 problems: SC fixes two greedy misses, breaks one greedy hit, agrees on one.
    boolean[] greedy = {false, false, true, true};
    boolean[] sc = {true, true, false, true};
    Evaluator.GainRow row = Evaluator.GainRow.of("x", greedy, sc);
    assertThat(row.problems()).isEqualTo(4);
    assertThat(row.greedy()).isEqualTo(0.5);
    assertThat(row.sc()).isEqualTo(0.75);
    assertThat(row.gain()).isEqualTo(0.25, within(1e-12));
    // differences 1, 1, -1, 0: mean 0.25, sample variance (3 - 4 * 0.0625) / 3 = 0.9167, se sqrt(0.9167 / 4)
    assertThat(row.standardError()).isEqualTo(Math.sqrt((3 - 4 * 0.0625) / 3 / 4), within(1e-12));
  }

  @Test
  void gainRow_whenBothAgreeEverywhere_hasNoGainAndNoError() {
    boolean[] same = {true, false, true};
    Evaluator.GainRow row = Evaluator.GainRow.of("x", same, same.clone());
    assertThat(row.gain()).isZero();
    assertThat(row.standardError()).isZero();
  }

  @Test
  void gainMarkdown_isEmptyWithoutTheCheck_andATableWithIt() {
    var none = new Evaluator.Report(List.of(), List.of(), Evaluator.Options.DEFAULT, 0);
    assertThat(none.gainMarkdown()).isEmpty();
    var some = new Evaluator.Report(List.of(), List.of(new Evaluator.GainRow("harder", 400, 0.8, 0.86, 0.015)),
        Evaluator.Options.DEFAULT.withGainSet(400), 0);
    assertThat(some.gainMarkdown()).contains("| harder | 400 | 80.0% | 86.0% | +6.0 | 1.5 |");
  }
}

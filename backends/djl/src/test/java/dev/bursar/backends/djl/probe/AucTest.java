package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class AucTest {

  @Test
  void handComputedCase_withATie() {
    // positives 0.9, 0.6, 0.4; negatives 0.6, 0.3.
    // pairs (pos, neg): (0.9,0.6)=1 (0.9,0.3)=1 (0.6,0.6)=0.5 (0.6,0.3)=1 (0.4,0.6)=0 (0.4,0.3)=1 -> 4.5 / 6
    double[] s = {0.9, 0.6, 0.6, 0.4, 0.3};
    boolean[] y = {true, true, false, true, false};
    assertThat(Auc.of(s, y)).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void perfectReversedAndConstantScores() {
    boolean[] y = {false, false, true, true};
    assertThat(Auc.of(new double[] {0.1, 0.2, 0.3, 0.4}, y)).isEqualTo(1.0);
    assertThat(Auc.of(new double[] {0.4, 0.3, 0.2, 0.1}, y)).isEqualTo(0.0);
    assertThat(Auc.of(new double[] {0.5, 0.5, 0.5, 0.5}, y)).isEqualTo(0.5);
  }

  @Test
  void oneClassIsNaN_mismatchedLengthsThrow() {
    assertThat(Auc.of(new double[] {0.1, 0.2}, new boolean[] {true, true})).isNaN();
    assertThatThrownBy(() -> Auc.of(new double[] {0.1}, new boolean[] {true, false}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withinGroups_countsOnlyPairsThatShareAGroup() {
    // group a: pos 0.9 vs negs 0.8 (win) and 0.95 (loss); group b: pos 0.1 vs neg 0.2 (loss); group c: no negative
    double[] s = {0.9, 0.8, 0.95, 0.1, 0.2, 0.5};
    boolean[] y = {true, false, false, true, false, true};
    Object[] g = {"a", "a", "a", "b", "b", "c"};
    assertThat(Auc.pairsWithinGroups(y, g)).isEqualTo(3);
    assertThat(Auc.withinGroups(s, y, g)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(Auc.withinGroups(s, y, new Object[] {"a", "b", "c", "d", "e", "f"})).isNaN();
  }
}

package dev.bursar.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

final class ComparisonTest {
  private static ReplayResults.MethodResult point(String name, String family, double accuracy, double tokens) {
    return new ReplayResults.MethodResult(name, family, null, accuracy, tokens, 1, 0, 0, 0, false);
  }

  @Test
  void frontier_interpolatesBetweenTheBaselinesCorners_andIgnoresPointsOutsideItsRange() {
    var baselines = List.of(
        point("SC@1", "sc", 0.60, 100),
        point("SC@2", "sc", 0.58, 200), // below the envelope: not a corner
        point("AC 0.9", "ac-beta", 0.70, 300),
        point("SC@8", "sc", 0.72, 800));
    var bursar = List.of(
        point("too cheap to compare", "bursar", 0.50, 50),
        point("above", "bursar", 0.66, 200), // frontier at 200 tokens: 0.65
        point("below", "bursar", 0.69, 550), // frontier at 550 tokens: 0.71
        point("beyond, flat", "bursar", 0.72, 900));

    var check = Comparison.FrontierCheck.of(baselines, bursar);

    assertThat(check.compared()).isEqualTo(3);
    assertThat(check.onOrAbove()).isEqualTo(2);
    assertThat(check.worstGap()).isCloseTo(0.02, within(1e-9));
    assertThat(check.worst()).isNotNull();
    assertThat(check.worst().name()).isEqualTo("below");
  }

  @Test
  void aPoolBeyondTheBayesianStopsCap_saysTheAnchorWasNotRun_ratherThanThatItMissedTheTarget() {
    int cap = dev.bursar.policies.BayesianStop.MAX_CAP + 16;
    var methods = List.of(
        new ReplayResults.MethodResult("SC@" + cap, "sc", (double) cap, 0.70, 4000, cap, 0, 0, 0, false),
        point("ESC w=5", "esc", 0.70, 900),
        point("oracle (unreachable)", "oracle", 0.70, 300),
        point("bursar lambda 1e-5", "bursar", 0.70, 700));
    var pool = new ReplayResults.PoolResult("wide", "m", "t", false, cap, List.of(1L), null, methods, null, null);

    String report = ReplayReport.markdown(new ReplayResults("random", 1, 0, List.of(pool)), "bursar bench replay");

    assertThat(report).contains("| wide | not run: its stop table is solved up to " + dev.bursar.policies.BayesianStop.MAX_CAP
        + " samples, the pool has " + cap + " | - | 700 | - |");
  }
}

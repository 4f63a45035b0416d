package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.backends.replay.SampleOrder;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TemperatureChoiceTest {
  private static final Tuner.Options TARGET = Tuner.Options.target(0.01, SampleOrder.RANDOM, "test");

  /** The same 60 questions "sampled" at three temperatures, each with its own seed. */
  private static Map<Double, List<Question>> pools() {
    Map<Double, List<Question>> pools = new TreeMap<>();
    // The reference: samples scatter.
    pools.put(0.8, Tuner.questions(Synthetic.pool("t08", 60, 8, 1, 0.85, 0.4, 4)));
    // Cooler: each sample likelier right, so the vote settles sooner at the same accuracy at the cap.
    pools.put(0.4, Tuner.questions(Synthetic.pool("t04", 60, 8, 2, 0.97, 0.5, 4)));
    // Too cold: hard questions repeat one wrong answer, so the vote at the cap loses them.
    pools.put(0.1, Tuner.questions(Synthetic.pool("t01", 60, 8, 3, 0.97, 0.3, 1)));
    return pools;
  }

  @Test
  void keepsTheTemperatureThatReachesTheReferenceTargetForTheFewestTokens_andSkipsOneWhoseVoteCannot() {
    var out = new ByteArrayOutputStream();
    var pools = pools();
    double refAccuracy = TemperatureChoice.accuracyAtCap(pools.get(0.8));
    assertThat(TemperatureChoice.accuracyAtCap(pools.get(0.1))).isLessThan(refAccuracy - 0.05);
    var chosen = TemperatureChoice.choose(pools, 0.8, TARGET, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(chosen.temperature()).isEqualTo(0.4);
    assertThat(chosen.result().chosen().accuracy()).isGreaterThanOrEqualTo(refAccuracy - 0.01);
    var reference = chosen.candidates().stream().filter(c -> c.temperature() == 0.8).findFirst().orElseThrow();
    assertThat(chosen.result().chosen().tokens()).isLessThan(reference.result().chosen().tokens());
    assertThat(chosen.candidates().stream().filter(c -> c.temperature() == 0.1).findFirst().orElseThrow().result()).isNull();
    // The file samples at it, and says what every temperature measured.
    assertThat(chosen.policy().temperature()).isEqualTo(0.4);
    assertThat(chosen.policy().operatingPoint().path("temperature").asDouble()).isEqualTo(0.4);
    assertThat(chosen.policy().operatingPoint().path("temperatures")).hasSize(3);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("temperature 0.10", "skipped", "temperature: 0.40 chosen");
  }

  @Test
  void theReferenceAloneIsKept_andAReferenceWithoutAPoolIsRefused() {
    var only = Map.of(0.8, pools().get(0.8));
    var quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(TemperatureChoice.choose(only, 0.8, TARGET, quiet).temperature()).isEqualTo(0.8);
    assertThatThrownBy(() -> TemperatureChoice.choose(only, 0.7, TARGET, quiet)).hasMessageContaining("the reference temperature 0.7 has no pool");
  }
}

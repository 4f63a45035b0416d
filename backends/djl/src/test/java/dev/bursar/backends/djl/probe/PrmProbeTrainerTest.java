package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.controller.LinearProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a scripted white-box backend whose hidden states carry the label on one layer. */
final class PrmProbeTrainerTest {
  private static final PrmProbeTrainer.Options OPTIONS =
      PrmProbeTrainer.Options.DEFAULT.withRollouts(400).withSeed(7).withCommand("test");

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  void problems_spanBuckets_avoidTheBenchmark_andSplitByProblem() {
    List<Map.Entry<Problem, PrmProbeTrainer.Split>> ps = PrmProbeTrainer.problems(OPTIONS);
    assertThat(ps).hasSize(100);
    Set<String> bench = ProblemSet.standard().expressions();
    assertThat(ps).noneMatch(e -> bench.contains(e.getKey().expression()));
    assertThat(ps.stream().map(e -> e.getKey().expression()).distinct().count()).isEqualTo(100);
    Map<Bucket, Long> perBucket = ps.stream().collect(Collectors.groupingBy(e -> e.getKey().bucket(), Collectors.counting()));
    assertThat(perBucket).hasSize(Bucket.values().length).allSatisfy((b, n) -> assertThat(n).isEqualTo(20));
    Map<PrmProbeTrainer.Split, Long> perSplit = ps.stream().collect(Collectors.groupingBy(Map.Entry::getValue, Collectors.counting()));
    assertThat(perSplit).containsEntry(PrmProbeTrainer.Split.TRAIN, 60L).containsEntry(PrmProbeTrainer.Split.VALIDATION, 20L)
        .containsEntry(PrmProbeTrainer.Split.TEST, 20L);
    assertThat(PrmProbeTrainer.problems(OPTIONS)).isEqualTo(ps);
    assertThat(PrmProbeTrainer.problems(OPTIONS.withSeed(8))).isNotEqualTo(ps);
  }

  @Test
  void train_findsTheInformativeLayer_isDeterministic_andWritesAReadableProbe(@TempDir Path dir) throws Exception {
    var backend = new ScriptedWhiteBox();
    PrmProbeTrainer.Report a = PrmProbeTrainer.train(backend, OPTIONS, quiet());
    assertThat(a.rollouts()).isEqualTo(400);
    assertThat(a.layers()).extracting(PrmProbeTrainer.LayerResult::layer).containsExactly(1, 2, 3);
    assertThat(a.chosen().layer()).isEqualTo(ScriptedWhiteBox.INFORMATIVE_LAYER);
    assertThat(a.chosen().testAuc()).isGreaterThan(0.95);
    assertThat(a.siblingPairs()).isPositive();
    assertThat(a.chosen().testSiblingAuc()).isGreaterThan(0.9);
    assertThat(a.layers().get(0).testAuc()).isBetween(0.3, 0.7);
    assertThat(a.total().baseRate()).isBetween(0.4, 0.9);
    assertThat(a.stepCount().events() + a.answerCount().events()).isEqualTo(a.total().events());
    assertThat(a.answerCount().events()).isEqualTo(400);
    // one hidden-state call per rollout and layer
    assertThat(backend.hiddenCalls).isEqualTo(400 * 3);

    PrmProbeTrainer.Report b = PrmProbeTrainer.train(new ScriptedWhiteBox(), OPTIONS, quiet());
    assertThat(b.probe().weights()).containsExactly(a.probe().weights());
    assertThat(b.probe().bias()).isEqualTo(a.probe().bias());

    Path file = dir.resolve("prm.properties");
    PrmProbeTrainer.write(a, file);
    LinearProbe back = LinearProbe.read(file);
    assertThat(back.layer()).isEqualTo(2);
    assertThat(back.weights()).hasSize(ScriptedWhiteBox.WIDTH);
    String text = Files.readString(file);
    assertThat(text).contains("# Process reward probe", "command: test", "auc=", "sibling_auc=", "base_rate=", "steps=");
    assertThat(a.toMarkdown()).contains("| 2 (chosen) |", "step-confidence baseline");
  }

  @Test
  void stepConfidence_averagesTheTokensOfEachStep() {
    Problem p = dev.bursar.arithmetic.ArithmeticTask.solve("1+2*3");
    String c = p.completion(); // <think>2*3=6;1+6\n1+6=7\n</think>A:7\n<eos>
    List<StepEvents.Event> ev = StepEvents.of(p, c);
    var toks = new java.util.ArrayList<dev.bursar.controller.TokenListener.TokenEvent>();
    toks.add(new dev.bursar.controller.TokenListener.TokenEvent(0, "<think>", -3, 0));
    int end0 = ev.get(0).end();
    for (int i = "<think>".length(); i < c.length(); i++) {
      toks.add(new dev.bursar.controller.TokenListener.TokenEvent(0, String.valueOf(c.charAt(i)), i < end0 ? -1 : -0.5, 0));
    }
    double[] s = PrmProbeTrainer.stepConfidence(c, toks, ev);
    int n0 = end0 - "<think>".length();
    assertThat(s[0]).isCloseTo((-3 - n0) / (n0 + 1.0), within(1e-12));
    assertThat(s[1]).isCloseTo(-0.5, within(1e-12));
    assertThat(s[2]).isCloseTo(-0.5, within(1e-12));
  }
}

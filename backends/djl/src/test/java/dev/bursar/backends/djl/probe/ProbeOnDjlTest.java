package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.TinyModels;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Problem;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Verifier;
import dev.bursar.controller.Verifiers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trainer's feature extraction on a tiny random DJL checkpoint reads what the controller's verifier reads. */
final class ProbeOnDjlTest {
  private static DjlBackend backend;

  @BeforeAll
  static void init() throws Exception {
    Path dir = TinyModels.write(Files.createTempDirectory("tiny-probe"), TinyModels.config(true), 5);
    backend = DjlBackend.builder().modelDirectory(dir).build();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void oneCallPerRollout_equalsTheVerifiersPerStepReading() {
    Problem p = ArithmeticTask.solve("17+25*3*2-4");
    String completion = "<think>25*3=75;17+75*2-4\n75*2=140;17+140-4\n17+140=157;157-4\n157-4=153\n</think>A:153\n<eos>";
    List<StepEvents.Event> ev = StepEvents.of(p, completion);
    var rollout = new PrmProbeTrainer.Rollout(p, PrmProbeTrainer.Split.TEST, completion, ev, new double[ev.size()]);
    var r = new Random(3);
    double[] w = new double[backend.hiddenSize()];
    double[] mean = new double[w.length];
    double[] std = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      w[j] = r.nextGaussian();
      std[j] = 0.5 + r.nextDouble();
    }
    for (int layer = 1; layer <= backend.layers(); layer++) {
      float[][] h = PrmProbeTrainer.features(backend, rollout, layer);
      assertThat(h).hasDimensions(ev.size(), backend.hiddenSize());
      LinearProbe probe = new LinearProbe(layer, 0.1, w, mean, std);
      Verifier v = Verifiers.hiddenStateProbe(probe);
      for (int i = 0; i < ev.size(); i++) {
        String thinking = completion.substring(0, ev.get(i).end());
        var step = Generation.of(0, "", 0, 0, FinishReason.STOP);
        assertThat(probe.score(h[i])).as("layer %d event %d", layer, i)
            .isCloseTo(v.score(backend, p.prompt(), thinking, step), within(1e-4));
      }
    }
  }

  @Test
  void rollouts_onARealBackend_areLabelledAndAligned() {
    var o = PrmProbeTrainer.Options.DEFAULT.withRollouts(10).withSamplesPerProblem(2).withSeed(1);
    var log = new ByteArrayOutputStream();
    List<PrmProbeTrainer.Rollout> rs = PrmProbeTrainer.rollouts(backend, o, new PrintStream(log, true, StandardCharsets.UTF_8));
    assertThat(rs).hasSize(10);
    for (PrmProbeTrainer.Rollout x : rs) {
      assertThat(x.events()).isEqualTo(StepEvents.of(x.problem(), x.completion()));
      assertThat(x.stepConfidence()).hasSize(x.events().size());
      for (double c : x.stepConfidence()) assertThat(c).isLessThanOrEqualTo(0);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("train-probe: rollouts 10/10");
  }
}

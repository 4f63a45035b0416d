package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bursar.controller.Sampling;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The device sampler picks what the host sampler picks, from the same streams, with the same signals. */
final class DeviceSamplerTest {

  private static final int ROWS = 6;
  private static final int VOCAB = 300;

  @Test
  void picksAndSignalsEqualTheHostSamplersForEveryRule() {
    List<Sampling> rules = List.of(
        Sampling.GREEDY,
        new Sampling(0.8, 1.0, 0, 11),
        new Sampling(0.7, 1.0, 20, 12),
        new Sampling(1.0, 0.9, 0, 13),
        new Sampling(1.2, 0.8, 40, 14));
    SplittableRandom data = new SplittableRandom(5);
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      for (Sampling rule : rules) {
        TokenSampler[] host = new TokenSampler[ROWS];
        TokenSampler[] device = new TokenSampler[ROWS];
        for (int r = 0; r < ROWS; r++) {
          host[r] = new TokenSampler(rule, r, 5);
          device[r] = new TokenSampler(rule, r, 5);
        }
        for (int step = 0; step < 50; step++) {
          float[] logits = new float[ROWS * VOCAB];
          // peaked like a language model's: a few likely tokens over a long tail
          for (int i = 0; i < logits.length; i++) logits[i] = (float) (data.nextGaussian() * 2.5);
          NDArray nd = m.create(logits, new Shape(ROWS, VOCAB));
          TokenSampler.Pick[] picks = DeviceSampler.next(nd, device, rule, 5);
          for (int r = 0; r < ROWS; r++) {
            TokenSampler.Pick want = host[r].next(logits, r, VOCAB);
            TokenSampler.Pick got = picks[r];
            assertThat(got.token()).as("%s step %d row %d", rule, step, r).isEqualTo(want.token());
            assertThat(got.logprob()).isCloseTo(want.logprob(), within(1e-4));
            assertThat(got.entropy()).isCloseTo(want.entropy(), within(1e-4));
            assertThat(got.topIds()).containsExactly(want.topIds());
            assertThat(got.confidence()).isCloseTo(want.confidence(), within(1e-4));
          }
          nd.close();
        }
      }
    }
  }

  @Test
  void topKAndTopPNeverPickOutsideTheirSet() {
    Sampling rule = new Sampling(1.0, 0.5, 2, 3);
    float[] logits = {2.0f, 1.0f, 0.5f, -1.0f, 3.0f};
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      TokenSampler[] s = {new TokenSampler(rule, 0, 0)};
      for (int i = 0; i < 200; i++) {
        // top-p 0.5: the top token alone holds more than half the mass
        assertThat(DeviceSampler.next(m.create(logits, new Shape(1, 5)), s, rule, 0)[0].token()).isEqualTo(4);
      }
    }
  }
}

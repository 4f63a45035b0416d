package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.Sampling;
import org.junit.jupiter.api.Test;

final class TokenSamplerTest {
  private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, -1.0f, 3.0f};

  @Test
  void greedy_picksArgmax_withModelLogprobAndEntropy() {
    TokenSampler.Pick p = new TokenSampler(Sampling.GREEDY, 0, 2).next(LOGITS, 0, 5);
    double z = 0;
    for (float l : LOGITS) z += Math.exp(l);
    assertThat(p.token()).isEqualTo(4);
    assertThat(p.logprob()).isCloseTo(3.0 - Math.log(z), within(1e-9));
    assertThat(p.topIds()).containsExactly(4, 0);
    assertThat(p.confidence()).isCloseTo(-((3.0 - Math.log(z)) + (2.0 - Math.log(z))) / 2, within(1e-9));
    double h = 0;
    for (float l : LOGITS) h -= Math.exp(l - Math.log(z)) * (l - Math.log(z));
    assertThat(p.entropy()).isCloseTo(h, within(1e-9));
  }

  @Test
  void topK_and_topP_restrictTheDraw() {
    int[] counts = new int[5];
    TokenSampler k2 = new TokenSampler(new Sampling(1.0, 1.0, 2, 9), 0, 0);
    for (int i = 0; i < 2000; i++) counts[k2.next(LOGITS, 0, 5).token()]++;
    assertThat(counts[1] + counts[2] + counts[3]).isZero();
    // top-p 0.5: the top token alone holds more than half the mass
    TokenSampler p = new TokenSampler(new Sampling(1.0, 0.5, 0, 9), 0, 0);
    for (int i = 0; i < 200; i++) assertThat(p.next(LOGITS, 0, 5).token()).isEqualTo(4);
  }

  @Test
  void draws_followTheSoftmax() {
    int[] counts = new int[5];
    TokenSampler s = new TokenSampler(new Sampling(1.0, 1.0, 0, 3), 0, 0);
    int n = 20_000;
    for (int i = 0; i < n; i++) counts[s.next(LOGITS, 0, 5).token()]++;
    double z = 0;
    for (float l : LOGITS) z += Math.exp(l);
    for (int i = 0; i < 5; i++) assertThat(counts[i] / (double) n).isCloseTo(Math.exp(LOGITS[i]) / z, within(0.015));
  }

  @Test
  void streams_dependOnSeedAndSequenceOnly() {
    Sampling s = new Sampling(1.0, 1.0, 0, 77);
    TokenSampler a = new TokenSampler(s, 3, 0);
    TokenSampler b = new TokenSampler(s, 3, 0);
    TokenSampler c = new TokenSampler(s, 4, 0);
    StringBuilder sa = new StringBuilder(), sb = new StringBuilder(), sc = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      sa.append(a.next(LOGITS, 0, 5).token());
      sb.append(b.next(LOGITS, 0, 5).token());
      sc.append(c.next(LOGITS, 0, 5).token());
    }
    assertThat(sa.toString()).isEqualTo(sb.toString()).isNotEqualTo(sc.toString());
  }
}

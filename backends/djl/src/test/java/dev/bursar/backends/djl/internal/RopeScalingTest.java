package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Llama 3.1's own numbers (theta 5e5, head 128, factor 8, bands 1 and 4 over 8192 positions). */
final class RopeScalingTest {
  private static final RopeScaling LLAMA31 = new RopeScaling(8, 1, 4, 8192);

  @Test
  void llama31_keepsHighFrequencies_dividesLowOnes_blendsTheBandBetween() {
    double[] plain = RopeScaling.inverseFrequencies(500_000, 128, null);
    double[] scaled = RopeScaling.inverseFrequencies(500_000, 128, LLAMA31);
    // wavelength 2*pi/f: below 8192/4 = 2048 positions kept (i <= 28), above 8192 divided by 8 (i >= 35)
    for (int i = 0; i <= 28; i++) assertThat(scaled[i]).isEqualTo(plain[i]);
    for (int i = 35; i < 64; i++) assertThat(scaled[i]).isCloseTo(plain[i] / 8, within(1e-18));
    for (int i = 29; i <= 34; i++) assertThat(scaled[i]).isStrictlyBetween(plain[i] / 8, plain[i]);
    // i = 30: 8192 / wavelength = 3.7..., so 91% of the unscaled frequency and 9% of the divided one
    double wavelen = 2 * Math.PI / plain[30];
    double s = (8192 / wavelen - 1) / 3;
    assertThat(scaled[30]).isCloseTo((1 - s) * plain[30] / 8 + s * plain[30], within(1e-15));
    assertThat(plain[0]).isEqualTo(1.0);
  }
}

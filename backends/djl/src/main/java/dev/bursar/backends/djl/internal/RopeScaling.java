package dev.bursar.backends.djl.internal;

/**
 * Llama-3 style RoPE frequency scaling ({@code "rope_scaling": {"rope_type": "llama3", ...}} in
 * {@code config.json}), the only scaling supported: low frequencies are divided by {@code factor},
 * high frequencies kept, and the band between interpolated smoothly, as transformers'
 * {@code _compute_llama3_parameters} does. Its attention factor is 1, so cos and sin are not rescaled.
 *
 * @param factor how much the context was stretched (8 for Llama 3.1, 32 for Llama 3.2)
 * @param lowFreqFactor wavelengths above {@code originalMaxPositions / lowFreqFactor} are scaled fully
 * @param highFreqFactor wavelengths below {@code originalMaxPositions / highFreqFactor} are kept
 * @param originalMaxPositions the context length the model was pre-trained with
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

  public RopeScaling {
    if (!(factor > 0)) throw new IllegalArgumentException("rope_scaling.factor must be > 0, was " + factor);
    if (!(lowFreqFactor > 0)) throw new IllegalArgumentException("rope_scaling.low_freq_factor must be > 0, was " + lowFreqFactor);
    if (!(highFreqFactor > lowFreqFactor)) {
      throw new IllegalArgumentException("rope_scaling.high_freq_factor " + highFreqFactor
          + " must be greater than low_freq_factor " + lowFreqFactor);
    }
    if (originalMaxPositions < 1) {
      throw new IllegalArgumentException("rope_scaling.original_max_position_embeddings must be >= 1, was " + originalMaxPositions);
    }
  }

  /**
   * {@return the rotary inverse frequencies of a head of width {@code headDim}}: {@code theta^(-2i/headDim)}
   * for {@code i < headDim/2}, scaled when {@code scaling} is not null
   */
  public static double[] inverseFrequencies(double theta, int headDim, RopeScaling scaling) {
    int half = headDim / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      if (scaling != null) inv[i] = scaling.scale(inv[i]);
    }
    return inv;
  }

  /** {@return one inverse frequency, scaled by its wavelength's band} */
  double scale(double invFreq) {
    double wavelen = 2 * Math.PI / invFreq;
    double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
    double highFreqWavelen = originalMaxPositions / highFreqFactor;
    if (wavelen < highFreqWavelen) return invFreq;
    if (wavelen > lowFreqWavelen) return invFreq / factor;
    double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return (1 - smooth) * invFreq / factor + smooth * invFreq;
  }
}

package dev.bursar.controller;

/**
 * Sampling parameters of one generation call.
 *
 * @param temperature 0 means greedy
 * @param topP nucleus mass in (0, 1]
 * @param topK 0 means no top-k cut
 * @param seed seed of the call; sequence i of the call uses a stream derived from (seed, i)
 */
public record Sampling(double temperature, double topP, int topK, long seed) {
  public static final Sampling GREEDY = new Sampling(0, 1, 0, 0);
  public static final Sampling DEFAULT = new Sampling(0.7, 1.0, 0, 0);

  public Sampling {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
    if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, was " + topK);
  }

  public Sampling withSeed(long newSeed) {
    return new Sampling(temperature, topP, topK, newSeed);
  }

  public Sampling withTemperature(double t) {
    return new Sampling(t, topP, topK, seed);
  }
}

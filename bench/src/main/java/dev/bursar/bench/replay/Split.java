package dev.bursar.bench.replay;

/**
 * The tune/test split: a question is in the test half when the SplitMix64 hash of
 * {@code splitSeed * 0x9E3779B97F4A7C15 + qid} is odd. A seeded hash of the id only, so a split
 * never depends on the file order or on which other questions exist.
 */
public final class Split {
  private Split() {}

  public static boolean isTest(long splitSeed, long qid) {
    return (mix64(splitSeed * 0x9E3779B97F4A7C15L + qid) & 1L) == 1L;
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package dev.bursar.backends.replay;

import java.util.SplittableRandom;

/** The order in which a question's recorded samples are served. */
public enum SampleOrder {
  /** The order the source stored them in: deterministic, the natural draw order. */
  STORED,
  /** A seeded permutation per question: the same (seed, qid) always gives the same order. */
  RANDOM,
  /**
   * The first stored sample first, the rest in {@link #RANDOM}'s kind of permutation: for samples
   * recorded by a plan whose first sample is greedy ({@code Mode.SelfConsistency.greedyFirst}), which
   * is the first one whatever the draw.
   */
  GREEDY_FIRST;

  /** {@return the order of {@code n} samples of question {@code qid} as indices into the stored list} */
  public int[] indices(int n, long seed, long qid) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    if (this == STORED) return idx;
    // Fisher-Yates driven by a stream that depends on both the seed and the question only.
    var rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (qid + 0x632BE59BD9B4E019L));
    int fixed = this == GREEDY_FIRST ? 1 : 0;
    for (int i = n - 1; i > fixed; i--) {
      int j = fixed + rng.nextInt(i + 1 - fixed);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }
}

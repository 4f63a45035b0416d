package dev.bursar.controller;

import java.util.Set;

/**
 * DeepConf online trace pruning (docs/ALGORITHMS.md §3). The first {@code warmup} traces run to the
 * end; the threshold is the {@code (100 - keepPercent)}-th percentile (type-7, as numpy) of their
 * lowest windowed confidences, so {@code keepPercent} is the paper's η, the share of warm-up traces
 * that would survive (η = 10 is DeepConf-low, aggressive; η = 90 DeepConf-high, conservative).
 * Later traces are cancelled as soon as the mean token confidence over their last {@code window}
 * tokens falls below it; a trace shorter than one window is never cut. Cut traces do not vote.
 */
public record TracePruning(int warmup, double keepPercent, int window) {
  public static final TracePruning DEFAULT = new TracePruning(4, 90, 8);

  public TracePruning {
    if (warmup < 1) throw new IllegalArgumentException("warmup must be >= 1, was " + warmup);
    if (!(keepPercent > 0 && keepPercent <= 100)) {
      throw new IllegalArgumentException("keepPercent must be in (0, 100], was " + keepPercent);
    }
    if (window < 1) throw new IllegalArgumentException("window must be >= 1, was " + window);
  }

  public Set<Signal> requires() {
    return Set.of(Signal.TOP_LOGPROBS, Signal.CANCELLATION);
  }
}

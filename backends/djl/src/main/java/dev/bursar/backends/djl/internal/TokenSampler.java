package dev.bursar.backends.djl.internal;

import dev.bursar.controller.Sampling;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits, in plain Java so the draw is exact and
 * reproducible: the random stream of sequence {@code i} derives from {@code (seed, i)} only, so a
 * sequence's tokens do not depend on how many others share its batch. Log-probabilities, top-k
 * confidence and entropy are of the model's own distribution (temperature 1, no truncation), as
 * DeepConf defines them.
 */
public final class TokenSampler {

  /** The sampled token and the signals of its position. */
  public record Pick(int token, double logprob, double confidence, double entropy, int[] topIds, double[] topLogprobs) {}

  private final Sampling sampling;
  private final SplittableRandom random;
  private final int confidenceK;

  /**
   * @param confidenceK how many top log-probabilities to average into the confidence (0: none)
   */
  public TokenSampler(Sampling sampling, int sequence, int confidenceK) {
    this.sampling = sampling;
    this.random = new SplittableRandom(mix(sampling.seed()) ^ mix(0x9E3779B97F4A7C15L * (sequence + 1)));
    this.confidenceK = confidenceK;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Reads row {@code row} of {@code logits} (row-major, {@code vocab} wide) and samples. */
  public Pick next(float[] logits, int row, int vocab) {
    int off = row * vocab;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) max = Math.max(max, logits[off + i]);
    double sum = 0;
    for (int i = 0; i < vocab; i++) sum += Math.exp(logits[off + i] - max);
    double logZ = max + Math.log(sum);
    double entropy = 0;
    for (int i = 0; i < vocab; i++) {
      double lp = logits[off + i] - logZ;
      double p = Math.exp(lp);
      if (p > 0) entropy -= p * lp;
    }
    int token = sampling.temperature() == 0 ? argmax(logits, off, vocab) : draw(logits, off, vocab);
    double logprob = logits[off + token] - logZ;
    int[] topIds = topK(logits, off, vocab, confidenceK);
    double[] topLp = new double[topIds.length];
    double confidence = Double.NaN;
    if (topIds.length > 0) {
      double s = 0;
      for (int i = 0; i < topIds.length; i++) {
        topLp[i] = logits[off + topIds[i]] - logZ;
        s += topLp[i];
      }
      confidence = -s / topIds.length;
    }
    return new Pick(token, logprob, confidence, entropy, topIds, topLp);
  }

  /** The next uniform number in [0, 1) of this sequence's stream (what a host draw would consume). */
  double uniform() {
    return random.nextDouble();
  }

  private static int argmax(float[] l, int off, int vocab) {
    int best = 0;
    for (int i = 1; i < vocab; i++) if (l[off + i] > l[off + best]) best = i;
    return best;
  }

  private int draw(float[] logits, int off, int vocab) {
    double t = sampling.temperature();
    int k = sampling.topK() > 0 ? Math.min(sampling.topK(), vocab) : vocab;
    int[] cand;
    if (k < vocab || sampling.topP() < 1) {
      cand = topK(logits, off, vocab, k); // sorted by logit, descending
    } else {
      cand = new int[vocab];
      for (int i = 0; i < vocab; i++) cand[i] = i;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int c : cand) max = Math.max(max, logits[off + c] / t);
    double[] w = new double[cand.length];
    double total = 0;
    for (int i = 0; i < cand.length; i++) {
      w[i] = Math.exp(logits[off + cand[i]] / t - max);
      total += w[i];
    }
    int n = cand.length;
    if (sampling.topP() < 1) {
      // smallest prefix of the sorted candidates whose mass reaches top-p
      double cum = 0;
      for (int i = 0; i < cand.length; i++) {
        cum += w[i] / total;
        if (cum >= sampling.topP()) {
          n = i + 1;
          break;
        }
      }
      total = 0;
      for (int i = 0; i < n; i++) total += w[i];
    }
    double u = uniform() * total;
    for (int i = 0; i < n; i++) {
      u -= w[i];
      if (u < 0) return cand[i];
    }
    return cand[n - 1];
  }

  /** {@return the ids of the k largest logits, largest first (ties: lower id first)} */
  static int[] topK(float[] l, int off, int vocab, int k) {
    k = Math.min(k, vocab);
    if (k <= 0) return new int[0];
    // min-heap of size k over (logit, id); vocabularies of real checkpoints are large, so no full sort
    int[] heap = new int[k];
    int size = 0;
    for (int i = 0; i < vocab; i++) {
      if (size < k) {
        heap[size] = i;
        siftUp(l, off, heap, size++);
      } else if (less(l, off, heap[0], i)) {
        heap[0] = i;
        siftDown(l, off, heap, k);
      }
    }
    Integer[] boxed = new Integer[k];
    for (int i = 0; i < k; i++) boxed[i] = heap[i];
    Arrays.sort(boxed, (a, b) -> less(l, off, a, b) ? 1 : (less(l, off, b, a) ? -1 : 0));
    int[] out = new int[k];
    for (int i = 0; i < k; i++) out[i] = boxed[i];
    return out;
  }

  /** Order: a before b when a's logit is lower, or equal with a higher id. */
  private static boolean less(float[] l, int off, int a, int b) {
    float x = l[off + a];
    float y = l[off + b];
    return x < y || (x == y && a > b);
  }

  private static void siftUp(float[] l, int off, int[] h, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!less(l, off, h[i], h[parent])) break;
      int tmp = h[i];
      h[i] = h[parent];
      h[parent] = tmp;
      i = parent;
    }
  }

  private static void siftDown(float[] l, int off, int[] h, int size) {
    int i = 0;
    while (true) {
      int a = 2 * i + 1;
      int b = a + 1;
      int s = i;
      if (a < size && less(l, off, h[a], h[s])) s = a;
      if (b < size && less(l, off, h[b], h[s])) s = b;
      if (s == i) return;
      int tmp = h[i];
      h[i] = h[s];
      h[s] = tmp;
      i = s;
    }
  }
}

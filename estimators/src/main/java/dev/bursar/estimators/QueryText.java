package dev.bursar.estimators;

import dev.bursar.controller.Features;
import java.util.Locale;

/**
 * Features of a query's text alone (never its gold): a few statistics (length, digits, numbers,
 * operators, lines, in log scale) followed by signed hashed word unigrams and bigrams and character
 * trigrams, L2-normalised. Hashing keeps the vector a fixed size whatever the vocabulary, so a fitted
 * model is a flat array of weights.
 */
public final class QueryText {
  /** Number of leading statistics before the hashed n-gram block. */
  public static final int STATS = 8;

  private QueryText() {}

  /** {@return the feature vector of {@code text}: {@link #STATS} statistics then {@code buckets} hashed n-grams} */
  public static double[] features(String text, int buckets) {
    if (buckets < 0) throw new IllegalArgumentException("buckets must be >= 0, was " + buckets);
    double[] x = new double[STATS + buckets];
    // The controller's own text statistics, in log scale.
    Features f = Features.ofText(text);
    x[0] = Math.log1p(f.get("prompt.chars"));
    x[1] = Math.log1p(f.get("prompt.words"));
    x[2] = Math.log1p(f.get("prompt.digits"));
    x[3] = Math.log1p(f.get("prompt.numbers"));
    x[4] = Math.log1p(f.get("prompt.operators"));
    x[5] = Math.log1p(f.get("prompt.lines"));
    x[6] = f.get("prompt.max_number_digits");
    x[7] = text.isEmpty() ? 0 : f.get("prompt.digits") / text.length();
    if (buckets > 0) hashNgrams(text.toLowerCase(Locale.ROOT), buckets, x);
    return x;
  }

  private static void hashNgrams(String t, int buckets, double[] x) {
    String[] words = t.split("[^\\p{L}\\p{N}]+");
    String prev = null;
    for (String w : words) {
      if (w.isEmpty()) continue;
      add(x, buckets, mix(w.hashCode()));
      if (prev != null) add(x, buckets, mix(prev.hashCode() * 31 + w.hashCode() + 0x5bd1e995));
      prev = w;
    }
    for (int i = 0; i + 3 <= t.length(); i++) add(x, buckets, mix(t.substring(i, i + 3).hashCode() ^ 0x27d4eb2d));
    double norm = 0;
    for (int i = STATS; i < x.length; i++) norm += x[i] * x[i];
    if (norm > 0) {
      norm = Math.sqrt(norm);
      for (int i = STATS; i < x.length; i++) x[i] /= norm;
    }
  }

  private static void add(double[] x, int buckets, int h) {
    x[STATS + Math.floorMod(h, buckets)] += (h & 0x40000000) == 0 ? 1 : -1;
  }

  /** A 32-bit finaliser (MurmurHash3's), so nearby string hashes land in unrelated buckets. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}

package dev.bursar.arithmetic;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A reproducible evaluation set: {@code perBucket} distinct problems from each {@link Bucket}, in
 * bucket order. The same seed and size give the same problems on every JVM ({@link Random} is
 * specified).
 *
 * @param seed the seed it was drawn with
 * @param perBucket problems per bucket
 * @param problems all problems, {@code perBucket} per bucket, easy first
 */
public record ProblemSet(long seed, int perBucket, List<Problem> problems) {

  /** Seed of {@link #standard()}. */
  public static final long DEFAULT_SEED = 20_251_124L;

  /** Problems per bucket in {@link #standard()} (400 problems in all). */
  public static final int DEFAULT_PER_BUCKET = 80;

  /** Defensive copy. */
  public ProblemSet {
    problems = List.copyOf(problems);
  }

  /** {@code fixed(DEFAULT_SEED, DEFAULT_PER_BUCKET)}: the benchmark set (400 problems). */
  public static ProblemSet standard() {
    return fixed(DEFAULT_SEED, DEFAULT_PER_BUCKET);
  }

  /**
   * Draws {@code perBucket} distinct problems per bucket; each bucket has its own generator
   * derived from {@code seed}, so adding a bucket never changes the others.
   *
   * @throws IllegalArgumentException if {@code perBucket} is not in {@code 1..5000}
   */
  public static ProblemSet fixed(long seed, int perBucket) {
    if (perBucket < 1 || perBucket > 5000) {
      throw new IllegalArgumentException("perBucket must be in 1..5000, got " + perBucket);
    }
    var all = new java.util.ArrayList<Problem>();
    for (Bucket b : Bucket.values()) {
      Random r = new Random(seed ^ (0x9E3779B97F4A7C15L * (b.ordinal() + 1)));
      Set<String> seen = new LinkedHashSet<>();
      int guard = 0;
      while (seen.size() < perBucket) {
        Problem p = ArithmeticTask.generate(r, b);
        if (seen.add(p.expression())) {
          all.add(p);
        } else if (++guard > 1_000_000) {
          throw new IllegalStateException("bucket " + b.label() + " has too few distinct problems");
        }
      }
    }
    return new ProblemSet(seed, perBucket, all);
  }

  /** The problems of one bucket, in draw order. */
  public List<Problem> byBucket(Bucket bucket) {
    return problems.stream().filter(p -> p.bucket() == bucket).toList();
  }

  /** Problems grouped by bucket, easy first. */
  public Map<Bucket, List<Problem>> grouped() {
    Map<Bucket, List<Problem>> m = new EnumMap<>(Bucket.class);
    for (Bucket b : Bucket.values()) {
      m.put(b, byBucket(b));
    }
    return m;
  }

  /** Every expression in the set (to exclude from training). */
  public Set<String> expressions() {
    Set<String> s = new LinkedHashSet<>();
    problems.forEach(p -> s.add(p.expression()));
    return s;
  }

  /** Number of problems. */
  public int size() {
    return problems.size();
  }
}

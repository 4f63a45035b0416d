package dev.bursar.arithmetic;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A seeded, infinite source of {@link TrainingExample}s: each draws a bucket by weight, a problem
 * from it, with probability {@link Mix#randomOrderFraction()} re-orders its chain of thought
 * ({@link ArithmeticTask#randomOrder}), writes each {@code +}/{@code *} step's operands swapped with
 * probability {@link Mix#swapFraction()} ({@link ArithmeticTask#swapOperands}), and with
 * probability {@link Mix#forcedFraction()} turns it into a {@linkplain
 * TrainingExample.Kind#FORCED forced} example with a uniform number of shown steps in {@code
 * 0..ops}. The same seed and mix give the same sequence. Not thread-safe (one per loader thread,
 * with different seeds).
 *
 * <pre>{@code
 * var data = TrainingExamples.create(42, TrainingExamples.Mix.DEFAULT, ProblemSet.standard().expressions());
 * TrainingExample ex = data.next();
 * int[] ids = CharTokenizer.INSTANCE.encodeWithBos(ex.text());   // loss on the completion part
 * }</pre>
 */
public final class TrainingExamples implements Iterator<TrainingExample> {

  /**
   * How examples are mixed.
   *
   * @param bucketWeights relative weight per bucket (missing buckets have weight 0; at least one
   *     positive)
   * @param forcedFraction probability that an example is forced rather than full, in {@code [0, 1]}
   * @param randomOrderFraction probability that an example's chain (full or forced) is in a random
   *     admissible order rather than the canonical one, in {@code [0, 1]}
   * @param swapFraction probability that a {@code +} or {@code *} step of a chain is written with
   *     its operands swapped ({@link ArithmeticTask#swapOperands}), per step, in {@code [0, 1]}
   * @param typedFraction probability that a problem is drawn like the questions people type
   *     ({@link TypedQuestions#problem}: two or three numbers up to 99, products up to 970,299,
   *     negative results) instead of from a bucket, in {@code [0, 1]}
   */
  public record Mix(
      Map<Bucket, Double> bucketWeights,
      double forcedFraction,
      double randomOrderFraction,
      double swapFraction,
      double typedFraction) {

    /**
     * Default mix: weights easy 0.15, medium 0.25, hard 0.25, harder 0.2, hardest 0.15; 30% forced
     * examples; canonical chains only, no operand swaps (the recipe of the earlier embedded weights).
     * The committed embedded weights add random admissible orders for 60% of the chains and swapped
     * {@code +}/{@code *} operands with probability 0.5 per step: {@code
     * DEFAULT.withRandomOrderFraction(0.6).withSwapFraction(0.5)}, see the model card. (Random orders
     * alone did not make self-consistency help: every path computed the same products the same way.)
     */
    public static final Mix DEFAULT =
        new Mix(
            Map.of(
                Bucket.EASY, 0.15,
                Bucket.MEDIUM, 0.25,
                Bucket.HARD, 0.25,
                Bucket.HARDER, 0.2,
                Bucket.HARDEST, 0.15),
            0.3,
            0.0,
            0.0,
            0.0);

    /** Validates and copies. */
    public Mix {
      bucketWeights = Map.copyOf(bucketWeights);
      if (!(forcedFraction >= 0 && forcedFraction <= 1)) {
        throw new IllegalArgumentException("forcedFraction must be in [0, 1], got " + forcedFraction);
      }
      if (!(randomOrderFraction >= 0 && randomOrderFraction <= 1)) {
        throw new IllegalArgumentException(
            "randomOrderFraction must be in [0, 1], got " + randomOrderFraction);
      }
      if (!(swapFraction >= 0 && swapFraction <= 1)) {
        throw new IllegalArgumentException("swapFraction must be in [0, 1], got " + swapFraction);
      }
      if (!(typedFraction >= 0 && typedFraction <= 1)) {
        throw new IllegalArgumentException("typedFraction must be in [0, 1], got " + typedFraction);
      }
      double sum = 0;
      for (double w : bucketWeights.values()) {
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException("bucket weights must be finite and >= 0: " + bucketWeights);
        }
        sum += w;
      }
      if (sum <= 0) {
        throw new IllegalArgumentException("at least one bucket weight must be positive");
      }
    }

    /** No operand swaps ({@code swapFraction} 0). */
    public Mix(Map<Bucket, Double> bucketWeights, double forcedFraction, double randomOrderFraction) {
      this(bucketWeights, forcedFraction, randomOrderFraction, 0.0, 0.0);
    }

    /** No typed-like problems ({@code typedFraction} 0). */
    public Mix(Map<Bucket, Double> bucketWeights, double forcedFraction, double randomOrderFraction,
        double swapFraction) {
      this(bucketWeights, forcedFraction, randomOrderFraction, swapFraction, 0.0);
    }

    /** Canonical chains only ({@code randomOrderFraction} and {@code swapFraction} 0). */
    public Mix(Map<Bucket, Double> bucketWeights, double forcedFraction) {
      this(bucketWeights, forcedFraction, 0.0, 0.0, 0.0);
    }

    /** The same mix with another fraction of random-order chains. */
    public Mix withRandomOrderFraction(double fraction) {
      return new Mix(bucketWeights, forcedFraction, fraction, swapFraction, typedFraction);
    }

    /** The same mix with another per-step probability of swapped commutative operands. */
    public Mix withSwapFraction(double fraction) {
      return new Mix(bucketWeights, forcedFraction, randomOrderFraction, fraction, typedFraction);
    }

    /** The same mix with another fraction of typed-like problems. */
    public Mix withTypedFraction(double fraction) {
      return new Mix(bucketWeights, forcedFraction, randomOrderFraction, swapFraction, fraction);
    }

    /** Every bucket equally likely; canonical chains only. */
    public static Mix uniform(double forcedFraction) {
      Map<Bucket, Double> w = new EnumMap<>(Bucket.class);
      for (Bucket b : Bucket.values()) {
        w.put(b, 1.0);
      }
      return new Mix(w, forcedFraction);
    }
  }

  private final Random random;
  private final Mix mix;
  private final Set<String> excluded;
  private final Bucket[] buckets = Bucket.values();
  private final double[] cumulative = new double[Bucket.values().length];

  private TrainingExamples(long seed, Mix mix, Set<String> excluded) {
    this.random = new Random(seed);
    this.mix = mix;
    this.excluded = Set.copyOf(excluded);
    double sum = 0;
    for (int i = 0; i < buckets.length; i++) {
      sum += mix.bucketWeights().getOrDefault(buckets[i], 0.0);
      cumulative[i] = sum;
    }
  }

  /** An infinite seeded source. */
  public static TrainingExamples create(long seed, Mix mix) {
    return create(seed, mix, Set.of());
  }

  /**
   * An infinite seeded source that never yields a problem whose expression is in {@code
   * excludedExpressions} (pass {@link ProblemSet#expressions()} to keep evaluation problems out of
   * training).
   */
  public static TrainingExamples create(long seed, Mix mix, Set<String> excludedExpressions) {
    return new TrainingExamples(seed, mix, excludedExpressions);
  }

  /** The same source as a sequential infinite stream (use {@code limit}). */
  public static Stream<TrainingExample> stream(long seed, Mix mix, Set<String> excludedExpressions) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            create(seed, mix, excludedExpressions), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /** {@code stream(seed, mix, Set.of())}. */
  public static Stream<TrainingExample> stream(long seed, Mix mix) {
    return stream(seed, mix, Set.of());
  }

  /** Always true: the source is infinite. */
  @Override
  public boolean hasNext() {
    return true;
  }

  /** The next example. */
  @Override
  public TrainingExample next() {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    Bucket bucket = buckets[buckets.length - 1];
    for (int i = 0; i < buckets.length; i++) {
      if (u < cumulative[i]) {
        bucket = buckets[i];
        break;
      }
    }
    boolean typed = mix.typedFraction() > 0 && random.nextDouble() < mix.typedFraction();
    Problem p = typed ? TypedQuestions.problem(random) : ArithmeticTask.generate(random, bucket);
    while (excluded.contains(p.expression()) || p.sequenceTokens() > ArithmeticTask.MAX_SEQUENCE_TOKENS) {
      p = typed ? TypedQuestions.problem(random) : ArithmeticTask.generate(random, bucket);
    }
    if (mix.randomOrderFraction() > 0 && random.nextDouble() < mix.randomOrderFraction()) {
      p = ArithmeticTask.randomOrder(p, random);
    }
    if (mix.swapFraction() > 0) {
      p = ArithmeticTask.swapOperands(p, random, mix.swapFraction());
    }
    if (random.nextDouble() < mix.forcedFraction()) {
      return TrainingExample.forced(p, random.nextInt(p.ops() + 1));
    }
    return TrainingExample.full(p);
  }
}

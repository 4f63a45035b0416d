package dev.bursar.estimators;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fitted sum of regression trees (gradient boosting): {@code base + sum of leaf values}, leaf
 * values already scaled by the learning rate, read through the ensemble's {@link Link}. Scoring is a
 * few array reads per tree, no allocation.
 *
 * @param base the constant the boosting started from
 * @param trees the trees
 * @param link how the sum becomes the prediction
 */
public record TreeEnsemble(double base, List<Tree> trees, Link link) {
  /** How the sum of the trees becomes the prediction. */
  public enum Link {
    /** The sum itself (least-squares boosting). */
    IDENTITY,
    /** The logistic function of the sum, a probability strictly inside (0, 1) (cross-entropy boosting). */
    LOGIT;

    /** {@return the prediction for the sum {@code s}} */
    public double apply(double s) {
      return this == LOGIT ? 1 / (1 + Math.exp(-s)) : s;
    }
  }

  public TreeEnsemble {
    if (!Double.isFinite(base)) throw new IllegalArgumentException("base must be finite, was " + base);
    trees = List.copyOf(trees);
    Objects.requireNonNull(link, "link");
  }

  /** A least-squares ensemble: the prediction is the sum. */
  public TreeEnsemble(double base, List<Tree> trees) {
    this(base, trees, Link.IDENTITY);
  }

  public double predict(double[] x) {
    double s = base;
    for (Tree t : trees) s += t.predict(x);
    return link.apply(s);
  }

  /** {@return the largest feature index any split reads, -1 for no split} */
  public int maxFeature() {
    int m = -1;
    for (Tree t : trees) for (int f : t.feature) m = Math.max(m, f);
    return m;
  }

  /**
   * One binary tree in flat arrays. Node 0 is the root; node {@code i} is a leaf when
   * {@code feature[i] < 0} and then {@code value[i]} is its output; otherwise it goes to
   * {@code left[i]} when {@code x[feature[i]] <= threshold[i]} and to {@code right[i]} else.
   */
  public record Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value) {
    public Tree {
      int n = feature.length;
      if (n == 0 || threshold.length != n || left.length != n || right.length != n || value.length != n) {
        throw new IllegalArgumentException("a tree needs at least one node and five arrays of the same length");
      }
      for (int i = 0; i < n; i++) {
        if (feature[i] >= 0 && (left[i] <= i || right[i] <= i || left[i] >= n || right[i] >= n)) {
          throw new IllegalArgumentException("node " + i + " has children outside (" + i + ", " + n + ")");
        }
        if (feature[i] < 0 && !Double.isFinite(value[i])) throw new IllegalArgumentException("leaf " + i + " is not finite");
      }
      feature = feature.clone();
      threshold = threshold.clone();
      left = left.clone();
      right = right.clone();
      value = value.clone();
    }

    public double predict(double[] x) {
      int i = 0;
      while (feature[i] >= 0) i = x[feature[i]] <= threshold[i] ? left[i] : right[i];
      return value[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tree t && Arrays.equals(feature, t.feature) && Arrays.equals(threshold, t.threshold)
          && Arrays.equals(left, t.left) && Arrays.equals(right, t.right) && Arrays.equals(value, t.value);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(feature), Arrays.hashCode(threshold), Arrays.hashCode(left), Arrays.hashCode(right),
          Arrays.hashCode(value));
    }

    @Override
    public String toString() {
      return "Tree{" + feature.length + " nodes}";
    }

    /** {@return a single leaf} */
    public static Tree leaf(double value) {
      return new Tree(new int[] {-1}, new double[1], new int[1], new int[1], new double[] {value});
    }
  }
}

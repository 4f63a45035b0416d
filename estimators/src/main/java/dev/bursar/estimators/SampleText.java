package dev.bursar.estimators;

import java.util.Objects;

/**
 * A learned reader of one sample's own text: P(this sample is right) by logistic regression on the
 * sample's {@link QueryText#features} (the same statistics and hashed n-grams as the query's, read
 * from what the model wrote). A reasoning chain that says "leap year", or a program with an extra
 * loop, is wrong more often than its peers; the stop model reads the leader's score beside the vote,
 * so one sample the reader trusts can settle a question that the vote alone would keep drawing on.
 * Fitted by the tuner on samples whose correctness is known; never reads the gold.
 *
 * @param buckets hashed n-gram buckets of {@link QueryText#features}
 * @param model logistic model of P(the sample is right)
 */
public record SampleText(int buckets, LinearModel model) {
  public SampleText {
    Objects.requireNonNull(model, "model");
    if (buckets < 0) throw new IllegalArgumentException("buckets must be >= 0, was " + buckets);
    if (model.size() != QueryText.STATS + buckets) {
      throw new IllegalArgumentException("the model needs " + (QueryText.STATS + buckets) + " weights (" + QueryText.STATS
          + " statistics + " + buckets + " buckets), got " + model.size());
    }
  }

  /** {@return P(a sample with this text is right)} */
  public double pRight(String text) {
    return model.probability(QueryText.features(text, buckets));
  }
}

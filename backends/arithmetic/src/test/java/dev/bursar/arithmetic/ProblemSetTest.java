package dev.bursar.arithmetic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemSetTest {

  @Test
  void standardSetIsLargeReproducibleAndSpreadOverBuckets() {
    ProblemSet s = ProblemSet.standard();
    assertThat(s.size()).isGreaterThanOrEqualTo(300).isEqualTo(400);
    assertThat(ProblemSet.standard()).isEqualTo(s);
    for (Bucket b : Bucket.values()) {
      assertThat(s.byBucket(b)).hasSize(ProblemSet.DEFAULT_PER_BUCKET);
      assertThat(s.byBucket(b).stream().map(Problem::expression)).doesNotHaveDuplicates();
    }
    assertThat(s.grouped().keySet()).containsExactly(Bucket.values());
    assertThat(s.problems().getFirst().bucket()).isEqualTo(Bucket.EASY);
    assertThat(s.problems().getLast().bucket()).isEqualTo(Bucket.HARDEST);
  }

  @Test
  void seedsChangeTheSetButNotTheBucketOrder() {
    ProblemSet a = ProblemSet.fixed(1, 10);
    ProblemSet b = ProblemSet.fixed(2, 10);
    assertThat(a.size()).isEqualTo(50);
    assertThat(a.expressions()).isNotEqualTo(b.expressions());
    // growing the set keeps the prefix of each bucket
    ProblemSet bigger = ProblemSet.fixed(1, 20);
    for (Bucket bucket : Bucket.values()) {
      assertThat(bigger.byBucket(bucket).subList(0, 10)).isEqualTo(a.byBucket(bucket));
    }
  }
}

package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class FittingTest {

  @Test
  void logisticBoostedTreesLearnAProbabilityStrictlyInsideZeroAndOne() {
    var rnd = new Random(5);
    int n = 4000;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextInt(10);
      x[i][1] = rnd.nextDouble();
      double p = x[i][0] < 3 ? 0.02 : x[i][0] < 7 ? 0.3 : 0.9; // P(y = 1) by region
      y[i] = rnd.nextDouble() < p ? 1 : 0;
      if (i % 10 == 0) y[i] = 0.5; // fractional targets (a tie's accuracy) are allowed
    }
    // logisticBoostedTrees checks every tree's export against Smile's own leaves and throws on any disagreement.
    var trees = Fitting.logisticBoostedTrees(x, y, new Fitting.Boosting(60, 3, 8, 20, 0.1));
    double low = trees.predict(new double[] {1, 0.5});
    double mid = trees.predict(new double[] {5, 0.5});
    double high = trees.predict(new double[] {8, 0.5});
    assertThat(low).isGreaterThan(0).isCloseTo(0.9 * 0.02 + 0.05, within(0.04));
    assertThat(mid).isCloseTo(0.9 * 0.3 + 0.05, within(0.06));
    assertThat(high).isLessThan(1).isCloseTo(0.9 * 0.9 + 0.05, within(0.06));
    // Where least squares can sum to 0 or below (and clipping ties whole regions at 0), this keeps their order.
    assertThat(low).isLessThan(mid);
  }

  @Test
  void gammaRegressionRecoversALogLinearMean() {
    var rnd = new Random(5);
    int n = 6000, p = 2;
    double[][] x = new double[n][p];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = rnd.nextDouble();
      x[i][1] = rnd.nextDouble();
      double mean = Math.exp(4 + 1.0 * x[i][0] - 0.5 * x[i][1]);
      // Exponential draws (Gamma with k = 1) around the mean.
      y[i] = Math.max(1, Math.round(-mean * Math.log(1 - rnd.nextDouble())));
    }
    var m = Fitting.gammaRegression(x, y, p, 1.0);
    assertThat(m.bias()).isCloseTo(4, within(0.1));
    assertThat(m.weights()[0]).isCloseTo(1.0, within(0.12));
    assertThat(m.weights()[1]).isCloseTo(-0.5, within(0.12));
  }

  @Test
  void theEstimatorLearnsWhichQuestionsAreHardAndLong() {
    var questions = Tuner.questions(Synthetic.pool("syn", 90, 8, 1));
    var est = Fitting.estimator(questions);
    var easy = est.estimate(Request.of("add 1000 and 3"), Features.NONE);
    var hard = est.estimate(Request.of("prove that the sequence 1000 converges and find its limit after many careful steps"), Features.NONE);
    assertThat(easy.pCorrect()).isGreaterThan(0.75);
    assertThat(hard.pCorrect()).isLessThan(0.5);
    assertThat(hard.expectedLength()).isGreaterThan(2 * easy.expectedLength());
  }

  @Test
  void theSampleReaderLearnsWhichAnswerShapesAreWrong_whenTheTextsSayNothing() {
    // Right samples answer whole numbers; wrong ones a fraction two times in three; texts are random words.
    var questions = Tuner.questions(samplePool(7, (q, rnd) -> {
      boolean right = rnd.nextDouble() < 0.5;
      String answer = right ? String.valueOf(10 + q) : rnd.nextDouble() < 0.67 ? (10 + q) + ".5" : String.valueOf(11 + q + rnd.nextInt(9));
      return new dev.bursar.trace.TraceRecord.Sample("ans = " + rnd.nextInt(500) + " step " + rnd.nextInt(500), answer, right, 20, null, null, null);
    }));
    var fit = Fitting.sampleText(questions.subList(0, 40), questions.subList(40, 80));
    assertThat(fit.reader()).isNotNull();
    assertThat(fit.reader().pRight("ans = 3 step 4", "num:42.5")).isLessThan(0.2);
    assertThat(fit.reader().pRight("ans = 3 step 4", "num:42")).isGreaterThan(0.5);
  }

  @Test
  void theSampleReaderLearnsHowFarToTrustAVerifier_whenTheTextsSayNothing() {
    // A verifier scores right samples around 2 and wrong ones around -1; texts and answers are random.
    var questions = Tuner.questions(samplePool(11, (q, rnd) -> {
      boolean right = rnd.nextDouble() < 0.6;
      double score = (right ? 2 : -1) + rnd.nextGaussian();
      return new dev.bursar.trace.TraceRecord.Sample("ans = " + rnd.nextInt(500), String.valueOf(rnd.nextInt(50)), right, 20, null, score, null);
    }));
    var fit = Fitting.sampleText(questions.subList(0, 40), questions.subList(40, 80));
    assertThat(fit.reader()).isNotNull();
    assertThat(fit.reader().readsVerifier()).isTrue();
    assertThat(fit.reader().pRight("ans = 3", "num:7", 4.0)).isGreaterThan(0.9);
    assertThat(fit.reader().pRight("ans = 3", "num:7", -3.0)).isLessThan(0.1);
    // The same scores times a million, offset by 5e7: fitted standardised, read raw, the reader says the same.
    var scaled = questions.stream().map(q -> new Question(q.pool(), q.qid(), q.prompt(), q.keys(), q.tokens(), q.correct(), q.correctByKey(),
        q.meanLogprobs(), q.texts(), java.util.Arrays.stream(q.verifierScores()).map(v -> v * 1e6 + 5e7).toArray())).toList();
    var wide = Fitting.sampleText(scaled.subList(0, 40), scaled.subList(40, 80)).reader();
    assertThat(wide).isNotNull();
    assertThat(wide.pRight("ans = 3", "num:7", 4e6 + 5e7)).isCloseTo(fit.reader().pRight("ans = 3", "num:7", 4.0), within(1e-6));
    assertThat(wide.pRight("ans = 3", "num:7", -3e6 + 5e7)).isLessThan(0.1);
  }

  @Test
  void theSampleTextReaderLearnsWhatAWrongSampleSays_scoredOnTheHalfItDidNotSee() {
    // Wrong samples say "leap year" two times in three; right ones never do.
    var questions = Tuner.questions(samplePool(3, (q, rnd) -> {
      boolean right = rnd.nextDouble() < 0.6;
      String text = "Explain: today is day " + rnd.nextInt(30) + (right || rnd.nextDouble() < 0.33 ? "" : ", a leap year") + ". A: " + q;
      return new dev.bursar.trace.TraceRecord.Sample(text, right ? "1" : "2", right, 20, null, null, null);
    }));
    var fit = Fitting.sampleText(questions.subList(0, 40), questions.subList(40, 80));
    assertThat(fit.reader()).isNotNull();
    assertThat(fit.reader().readsAnswer()).isTrue();
    assertThat(fit.reader().pRight("Explain: today is day 4, a leap year. A: 1", "num:1")).isLessThan(0.2);
    assertThat(fit.reader().pRight("Explain: today is day 4. A: 1", "num:1")).isGreaterThan(0.6);
    assertThat(fit.scores(questions.get(0))).hasSize(6);
    // Texts and answers that say nothing about correctness (random words, random whole numbers): the constant rate wins and there is no reader.
    var words = new java.util.Random(5);
    var noise = Tuner.questions(Synthetic.pool("syn", 60, 6, 2)).stream()
        .map(q -> new Question(q.pool(), q.qid(), q.prompt(),
            java.util.stream.IntStream.range(0, q.size()).mapToObj(i -> "num:" + words.nextInt(500)).toList(), q.tokens(), q.correct(),
            q.correctByKey(), q.meanLogprobs(),
            java.util.stream.IntStream.range(0, q.size()).mapToObj(i -> "note " + words.nextInt(500) + " and " + words.nextInt(500)).toList(),
            q.verifierScores()))
        .toList();
    assertThat(Fitting.sampleText(noise.subList(0, 30), noise.subList(30, 60)).reader()).isNull();
  }

  /** {@return 80 questions of 6 samples each, every sample made by {@code sample} from the question's index and a seeded source} */
  private static List<dev.bursar.trace.TraceRecord> samplePool(long seed,
      java.util.function.BiFunction<Integer, java.util.Random, dev.bursar.trace.TraceRecord.Sample> sample) {
    var rnd = new java.util.Random(seed);
    List<dev.bursar.trace.TraceRecord> pool = new java.util.ArrayList<>();
    for (int q = 0; q < 80; q++) {
      List<dev.bursar.trace.TraceRecord.Sample> ss = new java.util.ArrayList<>();
      for (int s = 0; s < 6; s++) ss.add(sample.apply(q, rnd));
      // The gold is never read: every sample says whether it is right.
      pool.add(new dev.bursar.trace.TraceRecord(1, "synthetic", q, "question " + q, null, "m", "t", ss, null, java.util.Map.of(), null));
    }
    return pool;
  }
}

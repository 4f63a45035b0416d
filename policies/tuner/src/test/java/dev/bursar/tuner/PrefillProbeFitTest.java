package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.trace.TraceRecord;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class PrefillProbeFitTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  /** Questions whose text says nothing, whose hidden state on layer 2 says whether they are easy. */
  @Test
  void fit_findsTheInformativeLayer_andBeatsTheTextEstimator() {
    var rnd = new Random(7);
    int n = 120;
    List<TraceRecord> records = new ArrayList<>();
    float[][] layer1 = new float[n][4], layer2 = new float[n][4];
    for (int q = 0; q < n; q++) {
      boolean easy = rnd.nextBoolean();
      List<TraceRecord.Sample> samples = new ArrayList<>();
      for (int s = 0; s < 8; s++) {
        boolean right = rnd.nextDouble() < (easy ? 0.9 : 0.2);
        samples.add(new TraceRecord.Sample("x", right ? "1" : "2", right, 5 + rnd.nextInt(20), null, null, null));
      }
      records.add(new TraceRecord(TraceRecord.SCHEMA_VERSION, "probe", q, "question " + q, "1", "m", "t", samples, null, Map.of(), null));
      for (int j = 0; j < 4; j++) {
        layer1[q][j] = (float) rnd.nextGaussian();
        layer2[q][j] = (float) rnd.nextGaussian();
      }
      layer2[q][0] += easy ? 2 : -2;
    }
    List<Question> questions = Tuner.questions(records);

    var r = PrefillProbeFit.fit(questions, layer -> layer == 1 ? layer1 : layer2, 2, QUIET);

    assertThat(r.probe().layer()).isEqualTo(2);
    assertThat(r.outOfFold()).hasSize(n);
    assertThat(r.probeLogLoss()).isLessThan(r.textLogLoss() - 0.1);
    // The probe ranks an easy-looking state above a hard-looking one.
    float[] easyState = {2, 0, 0, 0}, hardState = {-2, 0, 0, 0};
    assertThat(r.probe().score(easyState)).isGreaterThan(0.7);
    assertThat(r.probe().score(hardState)).isLessThan(0.35);
  }

  @Test
  void tune_withAPrior_feedsItToTheStopModelAndTheThreshold() {
    List<Question> questions = Tuner.questions(Synthetic.pool("p", 60, 8, 3));
    var plain = Tuner.tune(questions, Tuner.Options.target(0.005, dev.bursar.backends.replay.SampleOrder.RANDOM, "t"), QUIET);
    // A prior that knows nothing (the same for every question) leaves the threshold baseline nothing to split on.
    var flat = Tuner.tune(questions, Tuner.Options.target(0.005, dev.bursar.backends.replay.SampleOrder.RANDOM, "t").withPrior(q -> 0.5), QUIET);
    assertThat(flat.thresholdFrontier()).allSatisfy(p -> assertThat(p.samples()).isIn(
        flat.thresholdFrontier().getFirst().samples(), flat.thresholdFrontier().getLast().samples()));
    assertThat(plain.thresholdFrontier().stream().map(Tuner.Point::samples).distinct().count()).isGreaterThan(2);
  }
}

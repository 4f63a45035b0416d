package dev.bursar.tuner;

import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A made-up pool with the structure real ones have: easy questions (short, "add") that one sample
 * usually gets right in few tokens, and hard ones (long, "prove") where samples scatter over wrong
 * answers and run long. Deterministic for a seed.
 */
final class Synthetic {
  private Synthetic() {}

  static List<TraceRecord> pool(String name, int questions, int samples, long seed) {
    return pool(name, questions, samples, seed, 0.9, 0.35, 4);
  }

  /**
   * @param easy P(one sample is right) on an easy question
   * @param hard the same on a hard one
   * @param wrongAnswers how many wrong answers a hard question's wrong samples spread over
   */
  static List<TraceRecord> pool(String name, int questions, int samples, long seed, double easy, double hard, int wrongAnswers) {
    var rnd = new Random(seed);
    List<TraceRecord> out = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      boolean isHard = q % 3 == 0;
      double pRight = isHard ? hard : easy;
      String prompt = isHard ? "prove that the sequence " + q + " converges and find its limit after many careful steps"
          : "add " + q + " and 3";
      List<TraceRecord.Sample> ss = new ArrayList<>();
      for (int s = 0; s < samples; s++) {
        boolean right = rnd.nextDouble() < pRight;
        String answer = right ? "42" : String.valueOf(rnd.nextInt(isHard ? wrongAnswers : 2));
        int tokens = (int) Math.max(5, (isHard ? 150 : 40) * (0.6 + 0.8 * rnd.nextDouble()) + (right ? 0 : 30));
        ss.add(new TraceRecord.Sample("... the answer is " + answer, answer, right, tokens, null, null, null));
      }
      out.add(new TraceRecord(TraceRecord.SCHEMA_VERSION, name, q, prompt, "42", "synthetic", "synthetic", ss, null, Map.of(), null));
    }
    return out;
  }
}

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
    var rnd = new Random(seed);
    List<TraceRecord> out = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      boolean hard = q % 3 == 0;
      double pRight = hard ? 0.35 : 0.9;
      String prompt = hard ? "prove that the sequence " + q + " converges and find its limit after many careful steps"
          : "add " + q + " and 3";
      List<TraceRecord.Sample> ss = new ArrayList<>();
      for (int s = 0; s < samples; s++) {
        boolean right = rnd.nextDouble() < pRight;
        String answer = right ? "42" : String.valueOf(rnd.nextInt(hard ? 4 : 2));
        int tokens = (int) Math.max(5, (hard ? 150 : 40) * (0.6 + 0.8 * rnd.nextDouble()) + (right ? 0 : 30));
        ss.add(new TraceRecord.Sample("... the answer is " + answer, answer, right, tokens, null, null, null));
      }
      out.add(new TraceRecord(TraceRecord.SCHEMA_VERSION, name, q, prompt, "42", "synthetic", "synthetic", ss, null, Map.of(), null));
    }
    return out;
  }
}

package dev.bursar.tuner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.controller.Tally;
import dev.bursar.policies.PolicyFile;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Picks the temperature a compute-optimal policy samples at, from pools of the same questions sampled
 * at several temperatures. Each pool is tuned as {@link Tuner#tune} does (cross-validated by question),
 * all aiming at one accuracy: self-consistency at the cap at the reference temperature (the one the
 * fixed plans sample at) less the target drop; the temperature whose chosen point spends the fewest
 * tokens wins (with a token budget: the most accurate within it). A lower temperature makes each sample
 * likelier right and the vote settle sooner, but past some point the samples repeat the model's
 * mistakes and the vote at the cap loses accuracy: which side wins depends on the model, so it is
 * measured, never assumed.
 */
public final class TemperatureChoice {
  /**
   * One temperature tried: its pool's self-consistency at the cap, the drop against it that is the
   * reference's target (NaN under a token budget) and the tuning aimed at it (null when its vote at the
   * cap cannot reach that target).
   */
  public record Candidate(double temperature, double scAtCapAccuracy, double targetDrop, Tuner.@Nullable Result result) {}

  /**
   * The temperature chosen, its tuning, its policy file (which samples at that temperature and lists every
   * candidate in its operating point) and every candidate.
   */
  public record Chosen(double temperature, Tuner.Result result, PolicyFile policy, List<Candidate> candidates) {
    /** {@return the candidate at {@code t}, one of those tried} */
    public Candidate at(double t) {
      return candidates.stream().filter(c -> c.temperature() == t).findFirst().orElseThrow();
    }
  }

  private TemperatureChoice() {}

  /**
   * @param pools the questions as sampled at each temperature (the same questions in each)
   * @param reference the temperature whose self-consistency at the cap sets the target; one of {@code pools}
   */
  public static Chosen choose(Map<Double, List<Question>> pools, double reference, Tuner.Options o, PrintStream progress) {
    List<Question> ref = pools.get(reference);
    if (ref == null) throw new IllegalArgumentException("the reference temperature " + reference + " has no pool; temperatures: " + pools.keySet());
    double refAccuracy = accuracyAtCap(ref);
    List<Candidate> candidates = new ArrayList<>();
    Candidate best = null;
    // One temperature leaves nothing to choose: tune it quietly, as Tuner.tune alone would.
    PrintStream say = pools.size() > 1 ? progress : new PrintStream(java.io.OutputStream.nullOutputStream());
    for (var e : pools.entrySet()) {
      double t = e.getKey();
      double sc = accuracyAtCap(e.getValue());
      // The same target for every temperature: the reference's vote at the cap less the drop.
      double drop = Double.isNaN(o.targetDrop()) ? Double.NaN : o.targetDrop() + sc - refAccuracy;
      Tuner.Result result = null;
      if (Double.isNaN(drop) || drop >= 0) {
        say.printf(Locale.ROOT, "temperature %.2f: self-consistency at the cap %.1f%% (reference %.2f: %.1f%%)%n", t, 100 * sc, reference,
            100 * refAccuracy);
        result = Tuner.tune(e.getValue(), Double.isNaN(drop) ? o : o.withTargetDrop(Math.min(drop, 0.99)), progress);
        say.printf(Locale.ROOT, "temperature %.2f: chosen point %.1f%% for %.0f tokens%n", t, 100 * result.chosen().accuracy(),
            result.chosen().tokens());
      } else {
        say.printf(Locale.ROOT, "temperature %.2f: self-consistency at the cap %.1f%% is below the target %.1f%%: skipped%n", t, 100 * sc,
            100 * (refAccuracy - o.targetDrop()));
      }
      var c = new Candidate(t, sc, drop, result);
      candidates.add(c);
      if (result != null && (t == reference || reaches(result, refAccuracy, o)) && (best == null || better(c, best, reference, o))) best = c;
    }
    if (best == null) throw new IllegalStateException("no temperature was tuned"); // the reference always is
    var op = best.result().policy().operatingPoint().deepCopy();
    ((ObjectNode) op).put("temperature", best.temperature());
    var tried = ((ObjectNode) op).putArray("temperatures");
    for (Candidate c : candidates) {
      var n = tried.addObject().put("temperature", c.temperature()).put("scAtCapAccuracy", c.scAtCapAccuracy());
      if (c.result() != null) n.put("accuracy", c.result().chosen().accuracy()).put("tokens", c.result().chosen().tokens());
    }
    say.printf(Locale.ROOT, "temperature: %.2f chosen (%.1f%% for %.0f tokens)%n", best.temperature(), 100 * best.result().chosen().accuracy(),
        best.result().chosen().tokens());
    PolicyFile policy = best.result().policy().withTemperature(best.temperature()).withOperatingPoint(op);
    return new Chosen(best.temperature(), best.result(), policy, List.copyOf(candidates));
  }

  /** {@return whether the chosen point reaches the reference's target (the tuner falls back below it when no point does)} */
  private static boolean reaches(Tuner.Result r, double refAccuracy, Tuner.Options o) {
    return Double.isNaN(o.targetDrop()) || r.chosen().accuracy() >= refAccuracy - o.targetDrop() - 1e-12;
  }

  /** Fewer tokens at the target; more accuracy within a budget; the reference on a tie. */
  private static boolean better(Candidate c, Candidate best, double reference, Tuner.Options o) {
    Tuner.Point p = c.result().chosen(), q = best.result().chosen();
    int cmp = Double.isNaN(o.targetDrop()) ? Double.compare(p.accuracy(), q.accuracy()) : Double.compare(q.tokens(), p.tokens());
    return cmp > 0 || (cmp == 0 && c.temperature() == reference);
  }

  /** {@return self-consistency's accuracy with every sample of each question (a tie scores its expected accuracy)} */
  static double accuracyAtCap(List<Question> questions) {
    double sum = 0;
    for (Question q : questions) {
      var tally = new Tally();
      for (int i = 0; i < q.size(); i++) tally.add(q.keys().get(i), 1.0, q.tokens()[i]);
      sum += q.accuracyOf(tally.leaders());
    }
    return questions.isEmpty() ? 0 : sum / questions.size();
  }
}

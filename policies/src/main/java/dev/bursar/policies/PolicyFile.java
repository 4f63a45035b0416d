package dev.bursar.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.controller.Policy;
import dev.bursar.estimators.AnswerPrior;
import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.LinearModel;
import dev.bursar.estimators.SampleText;
import dev.bursar.estimators.StopModel;
import dev.bursar.estimators.TreeEnsemble;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A fitted policy as the tuner writes it and the library and the sidecar load it: schema version,
 * the estimator's and the policy's parameters, where they were fitted from and the operating point
 * measured when they were chosen. Loading validates everything and says what is wrong, so a bad file
 * is rejected whole (the caller keeps the policy it had).
 *
 * @param kind {@code compute-optimal} or {@code threshold}
 * @param estimator the fitted difficulty and length estimator
 * @param stopModel the fitted stop model (compute-optimal only)
 * @param lambda accuracy traded per token (compute-optimal)
 * @param threshold P(right) at or above which FAST runs (threshold)
 * @param cap the most samples per query
 * @param wave samples per backend call
 * @param tokensPerSample cap on each sample's tokens
 * @param greedyFirst whether self-consistency's first sample is greedy (compute-optimal; written only when true)
 * @param temperature the temperature the policy samples at: the one its traces were sampled at, or the one
 *     the tuner chose among several (compute-optimal; a request that names one overrides it), or null: the
 *     request's (written only when set)
 * @param deepSearch the queries the compute-optimal policy hands to DEEP_SEARCH, or null: none (written only when set)
 * @param provenance the command, the data and the time it was fitted from, free-form
 * @param operatingPoint what the tuner measured for this policy (cross-validated), free-form
 */
public record PolicyFile(
    String kind,
    FittedEstimator estimator,
    @Nullable StopModel stopModel,
    double lambda,
    double threshold,
    int cap,
    int wave,
    int tokensPerSample,
    boolean greedyFirst,
    @Nullable Double temperature,
    @Nullable DeepSearchRoute deepSearch,
    JsonNode provenance,
    JsonNode operatingPoint) {

  /**
   * Version 2 added each tree ensemble's {@code link}; a version 1 file (no link: identity) still loads.
   * The stop model's optional {@code sampleText} reader, {@code scoreVote} and {@code answerPrior}, and the policy's optional {@code temperature} need
   * no new version: a file without them loads as before. A reader's weights say whether it reads the answer's
   * shape beside the text ({@link SampleText#ANSWER_STATS} more): an earlier file's text-only reader still loads.
   * A stop model without {@code leaderCorrect} reports the vote share as its confidence (the tuner measured it
   * better calibrated), or with {@code confidenceByReader} its reader's mean P(right) of the leader's samples (an
   * earlier bursar ignores the field and reports the vote share). A reader's last {@link SampleText#VERIFIER_STATS}
   * weights read a verifier's score; an earlier file's reader without them still loads.
   */
  public static final int SCHEMA_VERSION = 2;
  public static final String COMPUTE_OPTIMAL = "compute-optimal";
  public static final String THRESHOLD = "threshold";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public PolicyFile {
    Objects.requireNonNull(estimator, "estimator");
    if (!kind.equals(COMPUTE_OPTIMAL) && !kind.equals(THRESHOLD)) {
      throw new IllegalArgumentException("kind must be " + COMPUTE_OPTIMAL + " or " + THRESHOLD + ", was " + kind);
    }
    if (kind.equals(COMPUTE_OPTIMAL) && stopModel == null) throw new IllegalArgumentException("a compute-optimal policy needs a stopModel");
    if ((temperature != null || deepSearch != null) && !kind.equals(COMPUTE_OPTIMAL)) {
      throw new IllegalArgumentException("temperature and deepSearch apply to a " + COMPUTE_OPTIMAL + " policy only, not " + kind);
    }
    policy(kind, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, temperature, deepSearch); // validates the parameters
  }

  /** A file whose policy samples at the request's temperature and never routes to DEEP_SEARCH. */
  public PolicyFile(String kind, FittedEstimator estimator, @Nullable StopModel stopModel, double lambda, double threshold, int cap, int wave,
      int tokensPerSample, boolean greedyFirst, JsonNode provenance, JsonNode operatingPoint) {
    this(kind, estimator, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, null, null, provenance, operatingPoint);
  }

  /** {@return whether the policy answers by its sample reader's scores rather than by the count} */
  public boolean answersByScore() {
    return stopModel != null && stopModel.scoreVote();
  }

  /** {@return whether the policy reports the vote share as its confidence (the tuner kept no confidence model)} */
  public boolean reportsVoteShare() {
    return stopModel != null && stopModel.leaderCorrect() == null && !stopModel.confidenceByReader();
  }

  /** {@return whether the policy reports its sample reader's mean P(right) of the leader's samples as its confidence} */
  public boolean reportsReader() {
    return stopModel != null && stopModel.confidenceByReader();
  }

  /** {@return whether the policy's sample reader learned from a verifier's scores (it reads less without one)} */
  public boolean readsVerifier() {
    return stopModel != null && stopModel.sampleText() != null && stopModel.sampleText().trustsVerifier();
  }

  /** {@return the policy this file describes} */
  public Policy policy() {
    return policy(kind, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, temperature, deepSearch);
  }

  private static Policy policy(String kind, @Nullable StopModel stopModel, double lambda, double threshold, int cap, int wave, int tokens,
      boolean greedyFirst, @Nullable Double temperature, @Nullable DeepSearchRoute deepSearch) {
    return kind.equals(COMPUTE_OPTIMAL)
        ? new ComputeOptimalPolicy(Objects.requireNonNull(stopModel), lambda, cap, wave, tokens, greedyFirst, temperature, deepSearch)
        : new ThresholdPolicy(threshold, cap, wave, tokens);
  }

  /** {@return a copy with other serving parameters (the same fitted models)} */
  public PolicyFile withServing(int newCap, int newWave, int newTokensPerSample) {
    return new PolicyFile(kind, estimator, stopModel, lambda, threshold, newCap, newWave, newTokensPerSample, greedyFirst, temperature, deepSearch,
        provenance, operatingPoint);
  }

  public PolicyFile withLambda(double newLambda) {
    return new PolicyFile(kind, estimator, stopModel, newLambda, threshold, cap, wave, tokensPerSample, greedyFirst, temperature, deepSearch, provenance,
        operatingPoint);
  }

  /** {@return a copy that hands the queries of {@code route} to DEEP_SEARCH (null: none)} */
  public PolicyFile withDeepSearch(@Nullable DeepSearchRoute route) {
    return new PolicyFile(kind, estimator, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, temperature, route, provenance,
        operatingPoint);
  }

  /** {@return a copy with another record of what the tuner measured} */
  public PolicyFile withOperatingPoint(JsonNode newOperatingPoint) {
    return new PolicyFile(kind, estimator, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, temperature, deepSearch, provenance,
        newOperatingPoint);
  }

  /** {@return a copy whose samples are drawn at {@code newTemperature} when a request does not name one (null: the request's)} */
  public PolicyFile withTemperature(@Nullable Double newTemperature) {
    return new PolicyFile(kind, estimator, stopModel, lambda, threshold, cap, wave, tokensPerSample, greedyFirst, newTemperature, deepSearch, provenance,
        operatingPoint);
  }

  /**
   * Reads and validates a policy file.
   *
   * @throws InvalidPolicyFileException saying which field is wrong and why
   */
  public static PolicyFile load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidPolicyFileException(file + ": cannot read: " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (InvalidPolicyFileException e) {
      throw new InvalidPolicyFileException(file + ": " + e.getMessage());
    }
  }

  /** Parses and validates the JSON text of a policy file. */
  public static PolicyFile parse(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidPolicyFileException("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new InvalidPolicyFileException("expected a JSON object");
    int version = integer(root, "schemaVersion");
    if (version != SCHEMA_VERSION && version != 1) {
      throw new InvalidPolicyFileException("schemaVersion " + version + " is not supported (this bursar reads 1 to " + SCHEMA_VERSION
          + "); refit with ./bursar tune");
    }
    try {
      JsonNode est = object(root, "estimator");
      var estimator = new FittedEstimator(integer(est, "buckets"), linear(object(est, "difficulty"), "estimator.difficulty"),
          linear(object(est, "logMeanLength"), "estimator.logMeanLength"), number(est, "lengthShape"));
      JsonNode pol = object(root, "policy");
      String kind = text(pol, "kind");
      StopModel stop = null;
      if (root.has("stopModel")) {
        JsonNode sm = object(root, "stopModel");
        SampleText sampleText = null;
        if (sm.has("sampleText")) {
          JsonNode st = object(sm, "sampleText");
          try {
            sampleText = new SampleText(integer(st, "buckets"), linear(object(st, "model"), "stopModel.sampleText.model"));
          } catch (IllegalArgumentException e) {
            if (e instanceof InvalidPolicyFileException) throw e;
            throw new InvalidPolicyFileException("stopModel.sampleText: " + e.getMessage());
          }
        }
        boolean scoreVote = bool(sm, "scoreVote");
        boolean confidenceByReader = bool(sm, "confidenceByReader");
        if (confidenceByReader && (sampleText == null || sm.has("leaderCorrect"))) {
          throw new InvalidPolicyFileException("stopModel.confidenceByReader is true, which needs a stopModel.sampleText to read the "
              + "samples with and no stopModel.leaderCorrect");
        }
        if (scoreVote && sampleText == null) {
          throw new InvalidPolicyFileException("stopModel.scoreVote is true but there is no stopModel.sampleText to score the samples with");
        }
        stop = new StopModel(trees(object(sm, "gain"), "stopModel.gain"),
            sm.has("leaderCorrect") ? trees(object(sm, "leaderCorrect"), "stopModel.leaderCorrect") : null,
            sampleText, sm.has("answerPrior") ? answerPrior(object(sm, "answerPrior")) : null, scoreVote, confidenceByReader);
      }
      return new PolicyFile(kind, estimator, stop,
          pol.has("lambda") ? number(pol, "lambda") : 0, pol.has("threshold") ? number(pol, "threshold") : 0,
          integer(pol, "cap"), integer(pol, "wave"), integer(pol, "tokensPerSample"), bool(pol, "greedyFirst"),
          pol.has("temperature") ? number(pol, "temperature") : null, pol.has("deepSearch") ? deepSearch(object(pol, "deepSearch")) : null,
          root.path("provenance"), root.path("operatingPoint"));
    } catch (IllegalArgumentException | NullPointerException e) {
      if (e instanceof InvalidPolicyFileException ipe) throw ipe;
      throw new InvalidPolicyFileException(e.getMessage());
    }
  }

  /** Writes the file atomically (a temporary sibling, then a rename): a reader never sees half of it. */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode pol = root.putObject("policy");
    pol.put("kind", kind);
    if (kind.equals(COMPUTE_OPTIMAL)) pol.put("lambda", lambda);
    else pol.put("threshold", threshold);
    pol.put("cap", cap).put("wave", wave).put("tokensPerSample", tokensPerSample);
    if (greedyFirst) pol.put("greedyFirst", true);
    if (temperature != null) pol.put("temperature", temperature);
    if (deepSearch != null) {
      pol.putObject("deepSearch").put("belowPCorrect", deepSearch.belowPCorrect()).put("beamWidth", deepSearch.beamWidth())
          .put("expansions", deepSearch.expansions()).put("maxDepth", deepSearch.maxDepth()).put("maxTokensPerStep", deepSearch.maxTokensPerStep())
          .put("verifier", "step-confidence");
    }
    root.set("operatingPoint", operatingPoint.isMissingNode() ? JSON.createObjectNode() : operatingPoint);
    root.set("provenance", provenance.isMissingNode() ? JSON.createObjectNode() : provenance);
    ObjectNode est = root.putObject("estimator");
    est.put("buckets", estimator.buckets());
    est.set("difficulty", linear(estimator.difficulty()));
    est.set("logMeanLength", linear(estimator.logMeanLength()));
    est.put("lengthShape", estimator.lengthShape());
    if (stopModel != null) {
      ObjectNode sm = root.putObject("stopModel");
      sm.set("gain", trees(stopModel.gain()));
      if (stopModel.leaderCorrect() != null) sm.set("leaderCorrect", trees(stopModel.leaderCorrect()));
      if (stopModel.sampleText() != null) {
        ObjectNode st = sm.putObject("sampleText");
        st.put("buckets", stopModel.sampleText().buckets());
        st.set("model", linear(stopModel.sampleText().model()));
      }
      if (stopModel.scoreVote()) sm.put("scoreVote", true);
      if (stopModel.confidenceByReader()) sm.put("confidenceByReader", true);
      if (stopModel.answerPrior() != null) {
        ObjectNode ap = sm.putObject("answerPrior");
        ap.put("tokensPerSample", stopModel.answerPrior().tokensPerSample());
        ArrayNode qs = ap.putArray("questions");
        for (AnswerPrior.Counts c : stopModel.answerPrior().questions()) {
          ArrayNode row = qs.addArray().add(c.samples()).add(c.none());
          for (int v : c.top()) row.add(v);
        }
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode linear(LinearModel m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("bias", m.bias());
    ArrayNode w = n.putArray("weights");
    for (double v : m.weights()) w.add(v);
    return n;
  }

  private static LinearModel linear(JsonNode n, String where) {
    return new LinearModel(doubles(n, "weights", where), number(n, "bias"));
  }

  private static ObjectNode trees(TreeEnsemble e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("link", e.link().name().toLowerCase(Locale.ROOT));
    n.put("base", e.base());
    ArrayNode arr = n.putArray("trees");
    for (TreeEnsemble.Tree t : e.trees()) {
      ObjectNode tn = arr.addObject();
      ArrayNode f = tn.putArray("feature");
      for (int v : t.feature()) f.add(v);
      ArrayNode th = tn.putArray("threshold");
      for (double v : t.threshold()) th.add(v);
      ArrayNode l = tn.putArray("left");
      for (int v : t.left()) l.add(v);
      ArrayNode r = tn.putArray("right");
      for (int v : t.right()) r.add(v);
      ArrayNode val = tn.putArray("value");
      for (double v : t.value()) val.add(v);
    }
    return n;
  }

  private static TreeEnsemble trees(JsonNode n, String where) {
    JsonNode arr = n.get("trees");
    if (arr == null || !arr.isArray()) throw new InvalidPolicyFileException(where + ".trees: expected an array");
    List<TreeEnsemble.Tree> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      String w = where + ".trees[" + i + "]";
      JsonNode t = arr.get(i);
      try {
        out.add(new TreeEnsemble.Tree(ints(t, "feature", w), doubles(t, "threshold", w), ints(t, "left", w), ints(t, "right", w),
            doubles(t, "value", w)));
      } catch (IllegalArgumentException e) {
        if (e instanceof InvalidPolicyFileException) throw e;
        throw new InvalidPolicyFileException(w + ": " + e.getMessage());
      }
    }
    TreeEnsemble.Link link = TreeEnsemble.Link.IDENTITY;
    if (n.has("link")) {
      String name = text(n, "link");
      link = switch (name) {
        case "identity" -> TreeEnsemble.Link.IDENTITY;
        case "logit" -> TreeEnsemble.Link.LOGIT;
        default -> throw new InvalidPolicyFileException(where + ".link: expected \"identity\" or \"logit\", was \"" + name + "\"");
      };
    }
    return new TreeEnsemble(number(n, "base"), out, link);
  }

  private static JsonNode object(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isObject()) throw new InvalidPolicyFileException("missing object \"" + field + "\"");
    return v;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new InvalidPolicyFileException("\"" + field + "\" must be a string");
    return v.asText();
  }

  private static int integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) throw new InvalidPolicyFileException("\"" + field + "\" must be an integer");
    return v.intValue();
  }

  /** An optional boolean: absent is false. */
  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null) return false;
    if (!v.isBoolean()) throw new InvalidPolicyFileException("\"" + field + "\" must be true or false");
    return v.booleanValue();
  }

  /** Each past question as {@code [samples, none, top counts...]}. */
  private static AnswerPrior answerPrior(JsonNode n) {
    String where = "stopModel.answerPrior";
    JsonNode qs = n.get("questions");
    if (qs == null || !qs.isArray()) throw new InvalidPolicyFileException(where + ".questions: expected an array of [samples, none, counts...]");
    List<AnswerPrior.Counts> counts = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) {
      String w = where + ".questions[" + i + "]";
      int[] row = ints(qs, i, w);
      if (row.length < 2) throw new InvalidPolicyFileException(w + ": expected [samples, none, counts...]");
      try {
        counts.add(new AnswerPrior.Counts(row[0], row[1], java.util.Arrays.copyOfRange(row, 2, row.length)));
      } catch (IllegalArgumentException e) {
        throw new InvalidPolicyFileException(w + ": " + e.getMessage());
      }
    }
    try {
      return new AnswerPrior(counts, number(n, "tokensPerSample"));
    } catch (IllegalArgumentException e) {
      if (e instanceof InvalidPolicyFileException) throw e;
      throw new InvalidPolicyFileException(where + ": " + e.getMessage());
    }
  }

  private static int[] ints(JsonNode array, int index, String where) {
    JsonNode v = array.get(index);
    if (!v.isArray()) throw new InvalidPolicyFileException(where + ": expected an array of integers");
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isIntegralNumber() || !v.get(i).canConvertToInt()) throw new InvalidPolicyFileException(where + "[" + i + "]: not an integer");
      out[i] = v.get(i).intValue();
    }
    return out;
  }

  private static DeepSearchRoute deepSearch(JsonNode n) {
    if (!"step-confidence".equals(n.path("verifier").asText())) {
      throw new InvalidPolicyFileException("policy.deepSearch.verifier must be \"step-confidence\"");
    }
    try {
      return new DeepSearchRoute(number(n, "belowPCorrect"), integer(n, "beamWidth"), integer(n, "expansions"), integer(n, "maxDepth"),
          integer(n, "maxTokensPerStep"));
    } catch (IllegalArgumentException e) {
      if (e instanceof InvalidPolicyFileException) throw e;
      throw new InvalidPolicyFileException("policy.deepSearch: " + e.getMessage());
    }
  }

  private static double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw new InvalidPolicyFileException("\"" + field + "\" must be a finite number");
    }
    return v.doubleValue();
  }

  private static double[] doubles(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) throw new InvalidPolicyFileException(where + "." + field + ": expected an array of numbers");
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) throw new InvalidPolicyFileException(where + "." + field + "[" + i + "]: not a number");
      out[i] = v.get(i).doubleValue();
    }
    return out;
  }

  private static int[] ints(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) throw new InvalidPolicyFileException(where + "." + field + ": expected an array of integers");
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isIntegralNumber()) throw new InvalidPolicyFileException(where + "." + field + "[" + i + "]: not an integer");
      out[i] = v.get(i).intValue();
    }
    return out;
  }

  /** A policy file that cannot be used; the message says which field and why. */
  public static final class InvalidPolicyFileException extends IllegalArgumentException {
    public InvalidPolicyFileException(String message) {
      super(message);
    }
  }
}

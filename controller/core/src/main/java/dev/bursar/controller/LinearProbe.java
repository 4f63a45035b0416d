package dev.bursar.controller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;

/**
 * A logistic probe on one layer's hidden state: {@code P = sigmoid(w . (h - mean) / std + bias)}, or
 * with {@link #linear} a linear regression head on it (the remaining-length head).
 * Fitted offline (see the DJL backend's probe trainer), scored here in plain Java. Stored as a
 * small properties file: {@code layer}, {@code bias}, {@code weights}, {@code mean}, {@code std}
 * (comma-separated), plus free-form metadata such as {@code auc}.
 */
public record LinearProbe(int layer, double bias, double[] weights, double[] mean, double[] std) {
  public LinearProbe {
    if (weights.length == 0) throw new IllegalArgumentException("probe has no weights");
    if (mean.length != weights.length || std.length != weights.length) {
      throw new IllegalArgumentException("probe vectors differ in length: weights " + weights.length + ", mean "
          + mean.length + ", std " + std.length);
    }
  }

  /** {@return the probability the probe assigns to {@code h}} */
  public double score(float[] h) {
    return 1 / (1 + Math.exp(-linear(h)));
  }

  /** {@return {@code w . (h - mean) / std + bias}: a regression head's prediction, a logistic probe's log-odds} */
  public double linear(float[] h) {
    if (h.length != weights.length) {
      throw new IllegalArgumentException("hidden state has " + h.length + " values, the probe expects " + weights.length);
    }
    double z = bias;
    for (int i = 0; i < h.length; i++) z += weights[i] * (h[i] - mean[i]) / std[i];
    return z;
  }

  /**
   * Refuses a probe fitted on another model: its layer must be one of {@code backend}'s and its width
   * that of its hidden states.
   *
   * @param what how the message names the probe, e.g. "the prefill probe"
   */
  public void requireFits(WhiteBoxBackend backend, String what) {
    String refit = ": it was fitted on another model; refit it on this one";
    if (layer < 1 || layer > backend.layers()) {
      throw new IllegalArgumentException(what + " reads layer " + layer + ", the model has layers 1.." + backend.layers() + refit);
    }
    if (weights.length != backend.hiddenSize()) {
      throw new IllegalArgumentException(what + " reads hidden states of width " + weights.length + " (" + weights.length
          + " values), the model's have " + backend.hiddenSize() + refit);
    }
  }

  public static LinearProbe read(Path file) {
    var p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read probe " + file + ": " + e.getMessage(), e);
    }
    try {
      return new LinearProbe(Integer.parseInt(req(p, "layer")), Double.parseDouble(req(p, "bias")),
          vec(req(p, "weights")), vec(req(p, "mean")), vec(req(p, "std")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad probe file " + file + ": " + e.getMessage(), e);
    }
  }

  public void write(Path file, String comment) {
    String body = "# " + comment.replace("\n", "\n# ") + "\nlayer=" + layer + "\nbias=" + bias + "\nweights=" + str(weights)
        + "\nmean=" + str(mean) + "\nstd=" + str(std) + "\n";
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write probe " + file + ": " + e.getMessage(), e);
    }
  }

  private static String req(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) throw new IllegalArgumentException("missing key '" + key + "'");
    return v.strip();
  }

  private static double[] vec(String s) {
    return Arrays.stream(s.split(",")).map(String::strip).mapToDouble(Double::parseDouble).toArray();
  }

  private static String str(double[] v) {
    var sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6g", v[i]));
    return sb.toString();
  }
}

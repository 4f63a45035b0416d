package dev.bursar.tuner;

import java.util.List;
import java.util.Locale;

/**
 * The tuner's picture as a standalone SVG: the cross-validated frontier (accuracy against tokens,
 * log x) of the compute-optimal policy and of the threshold baseline with SC at the cap and the
 * chosen point, beside the reliability diagram of the confidence bursar reports.
 */
final class TunePlot {
  private static final int W = 460, H = 340, L = 60, R = 16, T = 40, B = 46;

  private TunePlot() {}

  static String render(Tuner.Result r) {
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", 2 * W, H));
    frontier(sb, r);
    reliability(sb, r.calibration());
    return sb.append("</svg>\n").toString();
  }

  private static void frontier(StringBuilder sb, Tuner.Result r) {
    List<Tuner.Point> all = new java.util.ArrayList<>(r.frontier());
    all.addAll(r.withAnswerPrior());
    all.addAll(r.thresholdFrontier());
    all.add(r.scAtCap());
    double minX = all.stream().mapToDouble(p -> Math.log10(Math.max(1, p.tokens()))).min().orElse(0) - 0.05;
    double maxX = all.stream().mapToDouble(p -> Math.log10(Math.max(1, p.tokens()))).max().orElse(1) + 0.05;
    double minY = all.stream().mapToDouble(p -> 100 * p.accuracy()).min().orElse(0) - 1;
    double maxY = all.stream().mapToDouble(p -> 100 * p.accuracy()).max().orElse(100) + 1;
    var f = new Frame(0, minX, maxX, minY, maxY);
    f.axes(sb, "Cross-validated frontier (" + r.questions() + " questions)", "tokens per query (log)", "accuracy %", true);
    series(sb, f, r.frontier(), "#d62728", true);
    series(sb, f, r.withAnswerPrior(), "#9467bd", true);
    series(sb, f, r.thresholdFrontier(), "#7f7f7f", false);
    dot(sb, f, r.scAtCap(), "#1f77b4", 6, "SC@" + r.cap());
    dot(sb, f, r.chosen(), "#d62728", 7, "chosen");
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">— compute-optimal (lambda sweep)</text>%n", L + 8, T + 16));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#7f7f7f\">· threshold baseline</text>%n", L + 8, T + 32));
    if (!r.withAnswerPrior().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#9467bd\">— the same or Bayesian stop (lambda sweep)</text>%n",
          L + 8, T + 48));
    }
  }

  private static void reliability(StringBuilder sb, Tuner.Calibration c) {
    var f = new Frame(W, 0, 1, 0, 100);
    f.axes(sb, String.format(Locale.ROOT, "Reliability of the confidence (Brier %.3f; vote share %.3f)", c.brier(), c.brierVoteShare()),
        "predicted P(answer right)", "observed accuracy %", false);
    sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>%n",
        f.x(0), f.y(0), f.x(1), f.y(100)));
    for (int b = 0; b < c.binCount().length; b++) {
      if (c.binCount()[b] == 0) continue;
      double radius = 2 + Math.min(8, Math.log1p(c.binCount()[b]));
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#2ca02c\" fill-opacity=\"0.7\"/>%n",
          f.x(c.binConfidence()[b]), f.y(100 * c.binAccuracy()[b]), radius));
    }
  }

  private static void series(StringBuilder sb, Frame f, List<Tuner.Point> pts, String color, boolean line) {
    var sorted = pts.stream().sorted(java.util.Comparator.comparingDouble(Tuner.Point::tokens)).toList();
    if (line) {
      sb.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"");
      for (var p : sorted) sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", f.x(Math.log10(Math.max(1, p.tokens()))), f.y(100 * p.accuracy())));
      sb.append("\"/>\n");
    }
    for (var p : sorted) dot(sb, f, p, color, 3, null);
  }

  private static void dot(StringBuilder sb, Frame f, Tuner.Point p, String color, int r, String label) {
    double x = f.x(Math.log10(Math.max(1, p.tokens()))), y = f.y(100 * p.accuracy());
    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"/>%n", x, y, r, color));
    if (label != null) sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>%n", x + 8, y - 6, color, label));
  }

  /** One panel's coordinates: data (x, y) to pixels. */
  private record Frame(int left, double minX, double maxX, double minY, double maxY) {
    double x(double v) {
      return left + L + (v - minX) / (maxX - minX) * (W - L - R);
    }

    double y(double v) {
      return T + (maxY - v) / (maxY - minY) * (H - T - B);
    }

    void axes(StringBuilder sb, String title, String xLabel, String yLabel, boolean logX) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>%n", left + W / 2, title));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
          left + L, T, W - L - R, H - T - B));
      for (int i = 0; i <= 4; i++) {
        double vx = minX + i * (maxX - minX) / 4, vy = minY + i * (maxY - minY) / 4;
        String lx = logX ? String.format(Locale.ROOT, "%.0f", Math.pow(10, vx)) : String.format(Locale.ROOT, "%.2f", vx);
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n", x(vx), H - B + 14, lx));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%.1f</text>%n", left + L - 4, y(vy) + 3, vy));
      }
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + L + (W - L - R) / 2, H - 10, xLabel));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-90 %d %d)\" text-anchor=\"middle\">%s</text>%n",
          left + 14, T + (H - T - B) / 2, left + 14, T + (H - T - B) / 2, yLabel));
    }
  }
}

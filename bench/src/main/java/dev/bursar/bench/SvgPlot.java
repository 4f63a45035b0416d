package dev.bursar.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small-multiples scatter/line plot as a standalone SVG: one panel per pool, x on a log scale.
 * Hand-written so the benchmark needs no plotting dependency.
 */
public final class SvgPlot {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#9467bd", "#2ca02c", "#ff7f0e", "#7f7f7f", "#8c564b", "#e377c2"};
  private static final int PANEL_W = 460, PANEL_H = 330, MARGIN_L = 58, MARGIN_R = 16, MARGIN_T = 34, MARGIN_B = 46;

  private SvgPlot() {}

  /**
   * @param name legend entry
   * @param points (x, y) pairs
   * @param labels a short label per point (may be empty strings)
   * @param line whether to join the points (in x order) with a line
   */
  public record Series(String name, List<double[]> points, List<String> labels, boolean line) {}

  public record Panel(String title, List<Series> series) {}

  public static String render(String title, String xLabel, String yLabel, List<Panel> panels) {
    int cols = Math.min(2, Math.max(1, panels.size()));
    int rows = (panels.size() + cols - 1) / cols;
    List<String> legend = new ArrayList<>();
    for (Panel p : panels) for (Series s : p.series()) if (!legend.contains(s.name())) legend.add(s.name());
    int legendH = 22 * ((legend.size() + 2) / 3) + 10;
    int width = cols * PANEL_W, height = 40 + legendH + rows * PANEL_H;
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", width, height, width, height));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.append(text(width / 2.0, 24, escape(title), "middle", 15, "bold"));
    for (int i = 0; i < legend.size(); i++) {
      double lx = 20 + (i % 3) * (width - 40) / 3.0, ly = 48 + 22 * (i / 3);
      String c = COLORS[i % COLORS.length];
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>%n", lx, ly - 4, c));
      sb.append(text(lx + 10, ly, escape(legend.get(i)), "start", 12, "normal"));
    }
    for (int i = 0; i < panels.size(); i++) {
      int ox = (i % cols) * PANEL_W, oy = 40 + legendH + (i / cols) * PANEL_H;
      panel(sb, panels.get(i), ox, oy, xLabel, yLabel, legend);
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void panel(StringBuilder sb, Panel p, int ox, int oy, String xLabel, String yLabel, List<String> legend) {
    double minX = Double.MAX_VALUE, maxX = 0, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
    for (Series s : p.series()) {
      for (double[] pt : s.points()) {
        minX = Math.min(minX, Math.max(pt[0], 1e-9));
        maxX = Math.max(maxX, pt[0]);
        minY = Math.min(minY, pt[1]);
        maxY = Math.max(maxY, pt[1]);
      }
    }
    if (maxX <= 0) return;
    double lx0 = Math.log10(minX) - 0.05, lx1 = Math.log10(maxX) + 0.05;
    double padY = Math.max(1, (maxY - minY) * 0.08);
    double y0 = Math.floor(minY - padY), y1 = Math.ceil(maxY + padY);
    double pw = PANEL_W - MARGIN_L - MARGIN_R, ph = PANEL_H - MARGIN_T - MARGIN_B;
    double px = ox + MARGIN_L, py = oy + MARGIN_T;
    sb.append(text(ox + PANEL_W / 2.0, oy + 20, escape(p.title()), "middle", 13, "bold"));
    sb.append(String.format(Locale.ROOT,
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\"/>%n", px, py, pw, ph));
    // y ticks
    double yStep = niceStep((y1 - y0) / 5);
    for (double t = Math.ceil(y0 / yStep) * yStep; t <= y1 + 1e-9; t += yStep) {
      double yy = py + ph - (t - y0) / (y1 - y0) * ph;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n", px, yy, px + pw, yy));
      sb.append(text(px - 6, yy + 4, fmt(t), "end", 11, "normal"));
    }
    // x ticks at 1-2-5 decades
    for (int e = (int) Math.floor(lx0); e <= Math.ceil(lx1); e++) {
      for (int m : new int[] {1, 2, 5}) {
        double v = m * Math.pow(10, e), lv = Math.log10(v);
        if (lv < lx0 || lv > lx1) continue;
        double xx = px + (lv - lx0) / (lx1 - lx0) * pw;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n", xx, py, xx, py + ph));
        sb.append(text(xx, py + ph + 15, fmt(v), "middle", 11, "normal"));
      }
    }
    sb.append(text(px + pw / 2, py + ph + 34, escape(xLabel), "middle", 11, "normal"));
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
        (double) ox + 14, py + ph / 2, (double) ox + 14, py + ph / 2, escape(yLabel)));
    for (Series s : p.series()) {
      String c = COLORS[legend.indexOf(s.name()) % COLORS.length];
      List<double[]> xy = new ArrayList<>();
      for (double[] pt : s.points()) {
        xy.add(new double[] {px + (Math.log10(Math.max(pt[0], 1e-9)) - lx0) / (lx1 - lx0) * pw,
            py + ph - (pt[1] - y0) / (y1 - y0) * ph});
      }
      if (s.line() && xy.size() > 1) {
        var pts = new StringBuilder();
        xy.stream().sorted((a, b) -> Double.compare(a[0], b[0]))
            .forEach(q -> pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", q[0], q[1])));
        sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n", pts.toString().strip(), c));
      }
      for (int i = 0; i < xy.size(); i++) {
        double[] q = xy.get(i);
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.85\"/>%n", q[0], q[1], c));
        String label = i < s.labels().size() ? s.labels().get(i) : "";
        if (!label.isEmpty()) sb.append(text(q[0] + 5, q[1] - 5, escape(label), "start", 9, "normal").replace("<text ", "<text fill=\"" + c + "\" "));
      }
    }
  }

  private static double niceStep(double raw) {
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  }

  private static String fmt(double v) {
    if (Math.abs(v) < 1e-9) v = 0; // no "-0" tick
    if (v >= 1000) return String.format(Locale.ROOT, "%.0fk", v / 1000).replace(".0k", "k");
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String text(double x, double y, String s, String anchor, int size, String weight) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
        x, y, anchor, size, weight, s);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

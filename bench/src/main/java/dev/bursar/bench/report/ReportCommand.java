package dev.bursar.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bursar.bench.AtomicFiles;
import dev.bursar.bench.SvgPlot;
import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar report}: what the traffic in trace logs cost and saved, with a plot. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Summarise trace logs written by `bursar serve --trace-log FILE`: requests, tokens and cost by mode, savings against "
            + "a baseline plan, accuracy where feedback attached a gold answer.",
        "Writes DIR/report.md, DIR/report.json and DIR/report.svg (cumulative output tokens, bursar against the baseline)."})
public final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--traces", arity = "1..*", paramLabel = "PATH", required = true,
      description = "Trace logs (.jsonl, rotated .jsonl.N) or directories holding them.")
  List<Path> traces;

  @Option(names = "--baseline-samples", paramLabel = "N", defaultValue = "8",
      description = "The baseline plan: self-consistency over N samples per request (default: ${DEFAULT-VALUE}).")
  int baselineSamples;

  @Option(names = "--price-input", paramLabel = "PER_MTOK", defaultValue = "0.15",
      description = "Price per million input tokens (default: ${DEFAULT-VALUE}).")
  double priceInput;

  @Option(names = "--price-output", paramLabel = "PER_MTOK", defaultValue = "0.60",
      description = "Price per million output tokens (default: ${DEFAULT-VALUE}).")
  double priceOutput;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/report", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (baselineSamples < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--baseline-samples must be >= 1, was " + baselineSamples);
    if (priceInput < 0 || priceOutput < 0) throw new CommandLine.ParameterException(spec.commandLine(), "prices must be >= 0");
    List<TraceRecord> records = new ArrayList<>();
    for (Pool p : Pool.readLogs(traces, System.err)) records.addAll(p.records());
    var report = TrafficReport.of(records, baselineSamples, priceInput, priceOutput);
    String command = dev.bursar.tuner.TuneCommand.commandLine(spec);
    String md = report.markdown(command);
    AtomicFiles.write(out.resolve("report.md"), md);
    AtomicFiles.write(out.resolve("report.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report.json()) + "\n");
    AtomicFiles.write(out.resolve("report.svg"), plot(report));
    System.out.print(md);
    System.err.printf("wrote %s/report.md, report.json, report.svg%n", out);
    return 0;
  }

  private static String plot(TrafficReport r) {
    List<double[]> actual = new ArrayList<>(), baseline = new ArrayList<>();
    for (double[] c : r.cumulative()) {
      actual.add(new double[] {c[0], c[1]});
      baseline.add(new double[] {c[0], c[2]});
    }
    List<String> none = java.util.Collections.nCopies(actual.size(), "");
    var panel = new SvgPlot.Panel("cumulative output tokens", List.of(
        new SvgPlot.Series("bursar", actual, none, true),
        new SvgPlot.Series("baseline: SC@" + r.baselineSamples() + " on every request", baseline, none, true)));
    return SvgPlot.render("What the traffic cost: bursar against the baseline plan", "requests (log scale)", "output tokens", List.of(panel));
  }
}

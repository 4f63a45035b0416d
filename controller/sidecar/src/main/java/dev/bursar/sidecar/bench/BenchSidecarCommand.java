package dev.bursar.sidecar.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bursar bench sidecar}: latency and throughput of chat completions sent straight to a fast
 * stub upstream, and the same load sent through bursar in front of it (FAST: passed through), in
 * one run; the ratios are bursar's overhead. The load is open-loop at a fixed rate and latency is
 * counted from each request's scheduled start, so a stall is not hidden by requests that were
 * never sent (no coordinated omission).
 *
 * <p>Run: {@code ./bursar bench sidecar --rate 500 --seconds 10}. With {@code --through URL} the
 * sidecar is another process (started by hand in front of the stub's {@code --stub-port}), so the
 * two can be pinned to different cores: on a small machine the in-process sidecar shares its cores,
 * its collector and its scheduler with the load generator and the stub.
 */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    description = "Latency p50/p99 and throughput: direct to a stub upstream vs. through bursar (FAST), as ratios.")
public final class BenchSidecarCommand implements Callable<Integer> {
  @Option(names = "--rate", description = "Requests per second (default ${DEFAULT-VALUE}).", defaultValue = "500")
  int rate = 500;

  @Option(names = "--seconds", description = "Measured seconds per side (default ${DEFAULT-VALUE}).", defaultValue = "10")
  int seconds = 10;

  @Option(names = "--warmup", description = "Warm-up seconds per side, not measured, the rate ramping up from a tenth (default ${DEFAULT-VALUE}).",
      defaultValue = "30")
  int warmup = 30;

  @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "60",
      description = "After the warm-up, go on at the full rate in 2-second windows until the JIT compilers of this process spend "
          + "under 2%% of a window compiling, for at most SECONDS per side (0: no settling; default ${DEFAULT-VALUE}). In process "
          + "that covers the sidecar; with --through only the load generator.")
  int settle = 60;

  @Option(names = "--rounds", defaultValue = "5",
      description = "Measure each side in this many alternating blocks of --seconds (direct, through, direct, ...) and pool "
          + "them: drift in the JIT, the collector and the machine then falls on both sides alike; each round's p99 overhead "
          + "is printed too (default ${DEFAULT-VALUE}).")
  int rounds = 5;

  @Option(names = "--stub-port", paramLabel = "PORT", defaultValue = "0",
      description = "Loopback port of the stub upstream (default ${DEFAULT-VALUE}: any free one).")
  int stubPort;

  @Option(names = "--through", paramLabel = "URL",
      description = "Measure a sidecar already running elsewhere (its chat completions URL, in front of this run's stub at "
          + "--stub-port, e.g. started as ./bursar serve --upstream http://127.0.0.1:PORT/v1 --model stub) instead of one in "
          + "this process.")
  @Nullable String throughUrl;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
  @Nullable Path out;

  @Option(names = "--telemetry",
      description = "Instead: the cost of telemetry and trace logging. Two sidecars in front of the stub run self-consistency "
          + "(2 samples): one with the SDK off and no trace log, one exporting spans and metrics over OTLP/HTTP and logging "
          + "every request; p50/p99 of each, measured in one run.")
  boolean telemetry;

  static final String SC_BODY = "{\"model\":\"stub\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}],"
      + "\"bursar\":{\"mode\":\"self_consistency\",\"max_samples\":2}}";

  static final String BODY = "{\"model\":\"stub\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}],"
      + "\"bursar\":{\"mode\":\"fast\"}}";

  /** One side's numbers. */
  record Result(String side, int sent, int ok, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
      double throughput) {}

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || seconds < 1 || warmup < 0) throw new IllegalArgumentException("--rate and --seconds must be >= 1");
    if (telemetry) return telemetryOverhead();
    if (stubPort < 0 || stubPort > 65_535) throw new IllegalArgumentException("--stub-port must be in 0..65535, was " + stubPort);
    try (var stub = new StubUpstream(stubPort)) {
      if (throughUrl != null) {
        System.out.printf(Locale.ROOT, "stub upstream at %s; measuring the sidecar at %s%n", stub.baseUrl(), throughUrl);
        awaitReady(throughUrl);
        measure(stub.baseUrl() + "/chat/completions", throughUrl, "through bursar (FAST, another process)");
        return 0;
      }
      Map<String, Object> props = sidecarInFrontOf(stub);
      try (var ctx = ApplicationContext.builder().banner(false).deduceEnvironment(false).properties(props).start()) {
        EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
        measure(stub.baseUrl() + "/chat/completions", "http://127.0.0.1:" + server.getPort() + "/v1/chat/completions",
            "through bursar (FAST)");
      }
    }
    return 0;
  }

  /**
   * Warms both sides, then measures direct and through one after the other ({@code --rounds} times,
   * alternating, pooled), and prints the ratios.
   */
  private void measure(String direct, String through, String throughLabel) throws Exception {
    if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    System.out.printf(Locale.ROOT, "bench sidecar: %d req/s, %d s warm-up + %d x %d s measured per side, loopback, %d cores%n",
        rate, warmup, rounds, seconds, Runtime.getRuntime().availableProcessors());
    warm(http, direct, warmup);
    settle(http, direct, "direct");
    warm(http, through, warmup);
    settle(http, through, "through");
    long compiling = compileMillis();
    List<long[]> directs = new ArrayList<>(), throughs = new ArrayList<>();
    double[] roundOverhead = new double[rounds];
    long cpuDirectNs = 0, cpuThroughNs = 0;
    for (int r = 0; r < rounds; r++) {
      long cpu0 = cpuNanos();
      directs.add(run(http, direct, seconds));
      long cpu1 = cpuNanos();
      throughs.add(run(http, through, seconds));
      long cpu2 = cpuNanos();
      cpuDirectNs += cpu1 - cpu0;
      cpuThroughNs += cpu2 - cpu1;
      Result rd = summarize("direct", directs.getLast(), seconds), rt = summarize(throughLabel, throughs.getLast(), seconds);
      roundOverhead[r] = rt.p99Ms() - rd.p99Ms();
      if (rounds > 1) {
        System.out.printf(Locale.ROOT, "round %d/%d: p99 direct %.3f, through %.3f ms: overhead %.2f ms%n", r + 1, rounds, rd.p99Ms(),
            rt.p99Ms(), roundOverhead[r]);
      }
    }
    compiling = compileMillis() - compiling;
    Result d = summarize("direct", concat(directs), (double) seconds * rounds);
    Result t = summarize(throughLabel, concat(throughs), (double) seconds * rounds);
    print(d);
    print(t);
    if (compiling >= 0) {
      System.out.printf(Locale.ROOT, "JIT compile time in this process while measured: %d ms of %d s%n", compiling,
          2 * seconds * rounds);
    }
    // The CPU the sidecar adds per request: on a machine with few cores it is what the tail queues for.
    boolean cpuKnown = cpuNanos() >= 0;
    double cpuDirect = cpuKnown ? cpuDirectNs / 1e6 / d.sent() : Double.NaN;
    double cpuThrough = cpuKnown ? cpuThroughNs / 1e6 / t.sent() : Double.NaN;
    if (cpuKnown) {
      System.out.printf(Locale.ROOT, "CPU of this process per request: direct %.3f ms, through %.3f ms (%d cores)%n",
          cpuDirect, cpuThrough, Runtime.getRuntime().availableProcessors());
    }
    if (!failures.isEmpty()) System.out.println("failed requests (all runs, warm-up included): " + failures);
    System.out.printf(Locale.ROOT, "ratios (through/direct): p50 %.2f, p99 %.2f, throughput %.2f; p99 overhead %.2f ms%n",
        t.p50Ms() / d.p50Ms(), t.p99Ms() / d.p99Ms(), t.throughput() / d.throughput(), t.p99Ms() - d.p99Ms());
    if (out != null) write(out, d, t, cpuDirect, cpuThrough, compiling, roundOverhead);
    http.shutdownNow();
  }

  /** Waits up to a minute for the external sidecar to answer a request (it may still be starting). */
  private static void awaitReady(String url) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    String last = "no answer";
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      while (System.nanoTime() < deadline) {
        try {
          var r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) return;
          last = "HTTP " + r.statusCode() + ": " + r.body();
        } catch (IOException e) {
          last = e.toString();
        }
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("the sidecar at " + url + " did not answer within a minute (" + last + "); start it with "
        + "./bursar serve --upstream <this run's stub>/v1 --model stub --max-concurrent 1024 --max-queue 1024");
  }

  /** A sidecar on loopback in front of {@code stub}, with room for the whole load in flight. */
  private static Map<String, Object> sidecarInFrontOf(StubUpstream stub) {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.host", "127.0.0.1");
    props.put("micronaut.server.port", -1);
    props.put("bursar.sidecar.upstream", stub.baseUrl());
    props.put("bursar.sidecar.model", "stub");
    props.put("bursar.sidecar.max-concurrent", 1024);
    props.put("bursar.sidecar.max-queue", 1024);
    return props;
  }

  /** Telemetry and trace logging off, then on, both warm, measured in alternating windows, in one run. */
  private int telemetryOverhead() throws Exception {
    Path log = Files.createTempDirectory("bursar-bench-trace").resolve("bench.jsonl");
    try (var stub = new StubUpstream()) {
      Map<String, Object> base = sidecarInFrontOf(stub);
      Map<String, Object> off = new HashMap<>(base);
      off.put("otel.sdk.disabled", "true");
      Map<String, Object> on = new HashMap<>(base);
      on.put("otel.traces.exporter", "otlp");
      on.put("otel.metrics.exporter", "otlp");
      on.put("otel.exporter.otlp.protocol", "http/protobuf");
      on.put("otel.exporter.otlp.endpoint", stub.otlpEndpoint());
      on.put("bursar.sidecar.trace-log", log.toString());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      System.out.printf(Locale.ROOT, "bench sidecar --telemetry: %d req/s of self-consistency (2 samples), %d s warm-up + %d s measured "
          + "per side, loopback, %d cores%n", rate, warmup, seconds, Runtime.getRuntime().availableProcessors());
      // Both sidecars up and warm at once, then measured in alternating windows so JIT and load drift hit both alike.
      Result dOff, dOn;
      try (var ctxOff = ApplicationContext.builder().banner(false).deduceEnvironment(false).properties(off).start();
          var ctxOn = ApplicationContext.builder().banner(false).deduceEnvironment(false).properties(on).start()) {
        String urlOff = "http://127.0.0.1:" + ctxOff.getBean(EmbeddedServer.class).start().getPort() + "/v1/chat/completions";
        String urlOn = "http://127.0.0.1:" + ctxOn.getBean(EmbeddedServer.class).start().getPort() + "/v1/chat/completions";
        run(http, urlOff, warmup, SC_BODY);
        run(http, urlOn, warmup, SC_BODY);
        int window = Math.max(1, seconds / 4);
        List<long[]> offs = new ArrayList<>(), ons = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          offs.add(run(http, urlOff, window, SC_BODY));
          ons.add(run(http, urlOn, window, SC_BODY));
        }
        int measured = window * 4;
        dOff = summarize("telemetry off", concat(offs), measured);
        dOn = summarize("telemetry + trace log on", concat(ons), measured);
      }
      print(dOff);
      print(dOn);
      if (!failures.isEmpty()) System.out.println("failed requests (all runs, warm-up included): " + failures);
      System.out.printf(Locale.ROOT, "ratios (on/off): p50 %.3f, p99 %.3f, throughput %.3f (goal: p50 <= 1.05); %d records logged%n",
          dOn.p50Ms() / dOff.p50Ms(), dOn.p99Ms() / dOff.p99Ms(), dOn.throughput() / dOff.throughput(),
          Files.lines(log).count());
      if (out != null) {
        Files.writeString(out, String.format(Locale.ROOT, "{\"rate\":%d,\"seconds\":%d,\"cores\":%d,\"off\":%s,\"on\":%s,"
            + "\"ratio_p50\":%.4f,\"ratio_p99\":%.4f}%n", rate, seconds, Runtime.getRuntime().availableProcessors(), json(dOff), json(dOn),
            dOn.p50Ms() / dOff.p50Ms(), dOn.p99Ms() / dOff.p99Ms()));
      }
      http.shutdownNow();
    }
    return 0;
  }

  private static long[] concat(List<long[]> parts) {
    return parts.stream().flatMapToLong(Arrays::stream).toArray();
  }

  /** What failed requests got, by kind: shown so a failure is never a silent gap in the numbers. */
  private final Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

  /** Latencies in ns of each request sent at {@code rate} for {@code secs} seconds, -1 for failures. */
  private long[] run(HttpClient http, String url, int secs) throws InterruptedException {
    return run(http, url, secs, BODY);
  }

  private long[] run(HttpClient http, String url, int secs, String body) throws InterruptedException {
    long interval = 1_000_000_000L / rate;
    int n = rate * secs;
    long[] offsets = new long[n];
    for (int i = 0; i < n; i++) offsets[i] = i * interval;
    return send(http, url, body, offsets);
  }

  /**
   * The warm-up: the rate ramps from a tenth of {@code --rate} to all of it over {@code secs}, so a
   * cold sidecar (compiling its hot paths, on one core when pinned) is not buried in a backlog it
   * then spends the measured window working off. Not measured.
   */
  private void warm(HttpClient http, String url, int secs) throws InterruptedException {
    if (secs <= 0) return;
    double r0 = rate / 10.0, r1 = rate, slope = (r1 - r0) / secs;
    int n = (int) ((r0 + r1) / 2 * secs);
    long[] offsets = new long[n];
    // The i-th request goes at the t where the ramp's integral r0 t + slope t^2 / 2 reaches i.
    for (int i = 0; i < n; i++) offsets[i] = (long) ((-r0 + Math.sqrt(r0 * r0 + 2 * slope * i)) / slope * 1e9);
    send(http, url, BODY, offsets);
  }

  /** Settling windows: a window "settled" when the JIT compiled for under this share of it. */
  static final int SETTLE_WINDOW_S = 2;
  static final double SETTLED_SHARE = 0.02;

  /**
   * Runs full-rate windows, not measured, until a window in which this JVM's JIT compilers took under
   * {@link #SETTLED_SHARE} of its time, or {@code --settle} seconds have passed: a p99 measured while
   * C2 is still compiling the request path measures the compiler (on a small machine it takes the
   * cores the requests need).
   */
  private void settle(HttpClient http, String url, String side) throws InterruptedException {
    if (settle <= 0) return;
    long before = compileMillis();
    if (before < 0) {
      System.out.println("settle: this JVM does not report JIT compile time; skipped");
      return;
    }
    for (int s = 0; s < settle; s += SETTLE_WINDOW_S) {
      long c0 = compileMillis();
      run(http, url, SETTLE_WINDOW_S);
      long ms = compileMillis() - c0;
      System.out.printf(Locale.ROOT, "settle %s: %d s, JIT compiled %d ms in the last %d s%n", side, s + SETTLE_WINDOW_S, ms,
          SETTLE_WINDOW_S);
      if (ms < SETTLED_SHARE * SETTLE_WINDOW_S * 1000) return;
    }
    System.out.printf(Locale.ROOT, "settle %s: the JIT still compiling after %d s (--settle); measuring anyway%n", side, settle);
  }

  /** {@return this process's CPU time so far in ns, or -1 when the platform does not report it} */
  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  /** {@return this JVM's total JIT compile time so far in ms, or -1 when it does not report it} */
  private static long compileMillis() {
    var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  /** Sends one request at each offset (ns from now), open-loop; latency counts from the scheduled time. */
  private long[] send(HttpClient http, String url, String body, long[] offsets) throws InterruptedException {
    int n = offsets.length;
    long[] lat = new long[n];
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    var done = new AtomicInteger();
    long start = System.nanoTime() + 1_000_000;
    CompletableFuture<?>[] fs = new CompletableFuture<?>[n];
    for (int i = 0; i < n; i++) {
      long at = start + offsets[i];
      long wait = at - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      int idx = i;
      fs[i] = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
        lat[idx] = e == null && r.statusCode() == 200 ? System.nanoTime() - at : -1;
        if (lat[idx] < 0) failures.merge(e != null ? String.valueOf(e.getCause() != null ? e.getCause() : e) : r.statusCode() + " "
            + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").substring(0,
                Math.min(120, r.body().length)), 1, Integer::sum);
        done.incrementAndGet();
        return null;
      });
    }
    CompletableFuture.allOf(fs).exceptionally(e -> null).join();
    return lat;
  }

  private Result summarize(String side, long[] lat, double secs) {
    long[] ok = Arrays.stream(lat).filter(v -> v >= 0).sorted().toArray();
    return new Result(side, lat.length, ok.length, ms(pct(ok, 0.50)), ms(pct(ok, 0.90)), ms(pct(ok, 0.99)), ms(pct(ok, 0.999)),
        ms(ok.length == 0 ? 0 : ok[ok.length - 1]), ok.length / secs);
  }

  private static long pct(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static double ms(long ns) {
    return ns / 1e6;
  }

  private static void print(Result r) {
    System.out.printf(Locale.ROOT, "%-22s sent %6d  ok %6d  p50 %7.3f  p90 %7.3f  p99 %7.3f  p99.9 %7.3f  max %8.3f ms  %7.1f req/s%n",
        r.side(), r.sent(), r.ok(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.throughput());
  }

  private void write(Path file, Result d, Result t, double cpuDirectMs, double cpuThroughMs, long compileMs, double[] roundOverhead)
      throws IOException {
    String perRound = Arrays.stream(roundOverhead).mapToObj(v -> String.format(Locale.ROOT, "%.4f", v))
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    String json = String.format(Locale.ROOT, "{\"rate\":%d,\"seconds\":%d,\"rounds\":%d,\"cores\":%d,\"direct\":%s,\"through\":%s,"
            + "\"ratio_p50\":%.4f,\"ratio_p99\":%.4f,\"ratio_throughput\":%.4f,\"p99_overhead_ms\":%.4f,"
            + "\"warmup_s\":%d,\"settle_max_s\":%d,\"process_cpu_ms_per_request\":{\"direct\":%s,\"through\":%s},"
            + "\"jit_compile_ms_while_measured\":%d,\"p99_overhead_ms_per_round\":%s}%n",
        rate, seconds, rounds, Runtime.getRuntime().availableProcessors(), json(d), json(t), t.p50Ms() / d.p50Ms(),
        t.p99Ms() / d.p99Ms(), t.throughput() / d.throughput(), t.p99Ms() - d.p99Ms(), warmup, settle, jsonNumber(cpuDirectMs),
        jsonNumber(cpuThroughMs), compileMs, perRound);
    Files.writeString(file, json);
  }

  private static String jsonNumber(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String json(Result r) {
    return String.format(Locale.ROOT, "{\"sent\":%d,\"ok\":%d,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,\"p999_ms\":%.4f,"
        + "\"max_ms\":%.4f,\"throughput\":%.2f}", r.sent(), r.ok(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), r.throughput());
  }
}

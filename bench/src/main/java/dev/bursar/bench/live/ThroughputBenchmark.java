package dev.bursar.bench.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.bench.AtomicFiles;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Live throughput of the DJL backend on the embedded model (or a checkpoint), in one run:
 *
 * <ol>
 *   <li>decode tokens/s at batch 1 and batch 16, with the KV cache and without it (every step
 *       recomputes the whole sequence); the same seeds give the same tokens in both modes, so the
 *       work compared is identical;
 *   <li>16 samples of one long prompt (a question plus its first thinking steps, as a step-wise
 *       search resumes it), sent as 16 requests: wall time and tokens prefilled with the prefix
 *       cache against without it, as ratios; and the same 16 as one batched request.
 * </ol>
 *
 * <p>Run: {@code ./bursar bench throughput --out DIR [--model-dir DIR] [--max-tokens 64] [--repeats 3]}.
 * Every configuration is warmed up once, then the median of the repeats is reported. Results go to {@code DIR/live-throughput.json} and {@code .md}.
 */
public final class ThroughputBenchmark {

  /**
   * @param model checkpoint directory, or null for the embedded model
   * @param maxTokens output tokens per sequence
   * @param repeats measured runs per configuration (median reported)
   */
  public record Options(@Nullable Path model, Path out, int maxTokens, int repeats, long seed) {
    public Options {
      if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
      if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1, was " + repeats);
    }
  }

  /** One measured configuration. */
  public record Measure(String name, int batch, boolean kvCache, boolean prefixCache, int requests,
      long outputTokens, long prefillTokens, double seconds) {
    public double tokensPerSecond() {
      return outputTokens / seconds;
    }
  }

  private ThroughputBenchmark() {}

  private static DjlBackend backend(Options o, boolean kv, long prefixBytes) {
    return builder(o, kv, prefixBytes).build();
  }

  private static DjlBackend.Builder builder(Options o, boolean kv, long prefixBytes) {
    DjlBackend.Builder b = DjlBackend.builder().workers(1).kvCache(kv).prefixCacheBytes(prefixBytes);
    return o.model() == null ? b.embeddedModel() : b.modelDirectory(o.model());
  }

  public static List<Measure> run(PrintStream log, Options o) throws IOException {
    Problem p = ArithmeticTask.generate(o.seed(), Bucket.HARDER);
    String decodePrompt = p.prompt();
    // a question plus its first thinking steps: the prompt a step-wise search resumes from
    String full = p.forcedCompletion(p.ops() - 1);
    String longPrompt = p.prompt() + full.substring(0, full.indexOf(ArithmeticTask.THINK_CLOSE));
    Sampling sampling = new Sampling(0.8, 1.0, 0, o.seed());
    List<Measure> out = new ArrayList<>();
    for (boolean kv : new boolean[] {true, false}) {
      try (DjlBackend b = backend(o, kv, 0)) {
        for (int batch : new int[] {1, 16}) {
          var req = GenerationRequest.of(decodePrompt, batch, o.maxTokens(), sampling);
          out.add(measure(log, o, b, (kv ? "kv-cache" : "no-kv-cache") + " batch " + batch, batch, kv, false,
              () -> List.of(b.generate(req, TokenListener.NONE))));
        }
      }
    }
    int samples = 16;
    for (long prefixBytes : new long[] {256L << 20, 0}) {
      try (DjlBackend b = backend(o, true, prefixBytes)) {
        boolean cached = prefixBytes > 0;
        out.add(measure(log, o, b, (cached ? "prefix-cache" : "no-prefix-cache") + " 16 requests x 1", 1, true, cached, () -> {
          if (cached) b.clearPrefixCache(); // each repeat starts cold: the first request pays the prefill
          List<List<Generation>> r = new ArrayList<>();
          for (int i = 0; i < samples; i++) {
            r.add(b.generate(GenerationRequest.of(longPrompt, 1, o.maxTokens(), sampling.withSeed(o.seed() + i)), TokenListener.NONE));
          }
          return r;
        }));
        if (cached) {
          out.add(measure(log, o, b, "one request x 16 (batched)", samples, true, true, () -> {
            b.clearPrefixCache();
            return List.of(b.generate(GenerationRequest.of(longPrompt, samples, o.maxTokens(), sampling), TokenListener.NONE));
          }));
        }
      }
    }
    // where the next token is picked: from logits copied to the host, or on the model's device
    for (boolean onDevice : new boolean[] {false, true}) {
      try (DjlBackend b = builder(o, true, 0).sampleOnDevice(onDevice).build()) {
        var req = GenerationRequest.of(decodePrompt, 16, o.maxTokens(), sampling);
        out.add(measure(log, o, b, "kv-cache batch 16, sampling on " + (onDevice ? "device" : "host"), 16, true, false,
            () -> List.of(b.generate(req, TokenListener.NONE))));
      }
    }
    write(o, out, decodePrompt, longPrompt);
    return out;
  }

  @FunctionalInterface
  private interface Work {
    List<List<Generation>> run();
  }

  private static Measure measure(PrintStream log, Options o, DjlBackend b, String name, int batch, boolean kv,
      boolean prefix, Work work) {
    work.run(); // warm-up: first shapes are slow in PyTorch
    double[] secs = new double[o.repeats()];
    long tokens = 0;
    long prefill = 0;
    int requests = 0;
    for (int i = 0; i < o.repeats(); i++) {
      long p0 = b.stats().prefillTokens();
      long t0 = System.nanoTime();
      List<List<Generation>> r = work.run();
      secs[i] = (System.nanoTime() - t0) / 1e9;
      prefill = b.stats().prefillTokens() - p0;
      tokens = r.stream().flatMap(List::stream).mapToLong(Generation::outputTokens).sum();
      requests = r.size();
    }
    Arrays.sort(secs);
    Measure m = new Measure(name, batch, kv, prefix, requests, tokens, prefill, secs[secs.length / 2]);
    log.printf(Locale.ROOT, "%-36s %6d tokens  %7.3f s  %8.1f tokens/s  prefilled %5d tokens%n",
        m.name(), m.outputTokens(), m.seconds(), m.tokensPerSecond(), m.prefillTokens());
    return m;
  }

  private static void write(Options o, List<Measure> ms, String decodePrompt, String longPrompt) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "live-throughput");
    root.put("model", o.model() == null ? "embedded" : o.model().toString());
    root.put("maxTokens", o.maxTokens());
    root.put("repeats", o.repeats());
    root.put("cpus", Runtime.getRuntime().availableProcessors());
    root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    root.put("java", System.getProperty("java.version"));
    ArrayNode arr = root.putArray("measures");
    for (Measure m : ms) {
      ObjectNode n = arr.addObject();
      n.put("name", m.name()).put("batch", m.batch()).put("kvCache", m.kvCache()).put("prefixCache", m.prefixCache())
          .put("requests", m.requests()).put("outputTokens", m.outputTokens()).put("prefillTokens", m.prefillTokens())
          .put("seconds", m.seconds()).put("tokensPerSecond", m.tokensPerSecond());
    }
    ObjectNode ratios = root.putObject("ratios");
    ratios.put("kvSpeedupBatch1", ms.get(0).tokensPerSecond() / ms.get(2).tokensPerSecond());
    ratios.put("kvSpeedupBatch16", ms.get(1).tokensPerSecond() / ms.get(3).tokensPerSecond());
    ratios.put("batch16OverBatch1WithKv", ms.get(1).tokensPerSecond() / ms.get(0).tokensPerSecond());
    Measure cached = ms.get(4);
    Measure batched = ms.get(5);
    Measure uncached = ms.get(6);
    ratios.put("prefixCacheWallRatio", cached.seconds() / uncached.seconds());
    ratios.put("prefixCachePrefillRatio", cached.prefillTokens() / (double) uncached.prefillTokens());
    ratios.put("batchedWallRatio", batched.seconds() / uncached.seconds());
    ratios.put("deviceOverHostSamplingBatch16", ms.get(8).tokensPerSecond() / ms.get(7).tokensPerSecond());
    AtomicFiles.write(o.out().resolve("live-throughput.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");

    StringBuilder md = new StringBuilder("# Live throughput (DJL backend)\n\n");
    md.append(String.format(Locale.ROOT, "Model: %s; %d CPUs; Java %s; %d output tokens max per sequence; median of %d runs after a warm-up.%n%n",
        root.get("model").asText(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), o.maxTokens(), o.repeats()));
    md.append("Decode prompt: `").append(decodePrompt.strip()).append("`; prefix prompt: ")
        .append(longPrompt.length()).append(" characters (question + thinking steps).\n\n");
    md.append("| configuration | requests | output tokens | prefilled tokens | seconds | tokens/s |\n|---|---:|---:|---:|---:|---:|\n");
    for (Measure m : ms) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.1f |%n", m.name(), m.requests(), m.outputTokens(),
          m.prefillTokens(), m.seconds(), m.tokensPerSecond()));
    }
    md.append("\n| ratio | value |\n|---|---:|\n");
    ratios.fields().forEachRemaining(e -> md.append(String.format(Locale.ROOT, "| %s | %.3f |%n", e.getKey(), e.getValue().asDouble())));
    AtomicFiles.write(o.out().resolve("live-throughput.md"), md.toString());
  }
}

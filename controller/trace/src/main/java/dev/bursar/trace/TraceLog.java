package dev.bursar.trace;

import dev.bursar.controller.Outcome;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.TraceSink;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A {@link TraceSink} that appends every request's {@link RunRecord} to a file as one
 * {@link TraceRecord} JSON line, the format {@link Pool#read} and the replay backend read.
 *
 * <p>Crash safety: each record is one {@code write} of a whole line through an append-only channel,
 * so a crash (even {@code kill -9}) can leave at most a torn last line, which
 * {@link #readRecords} reports and skips; a log reopened after such a crash starts on a fresh line.
 * Rotation: when the file would pass {@link Options#maxBytes}, it is renamed to {@code FILE.1}
 * (older ones shift to {@code .2} ... {@code .keep}) and a new file begins; question ids keep
 * counting. Privacy: with {@link Options#hashPrompts} a record keeps a SHA-256 of the prompt instead
 * of its text, and no sample text (answers and token counts stay, so it can still be replayed and
 * tuned on). Sampling: {@link Options#sampleRate} keeps that fraction of requests (seeded).
 *
 * <p>Thread-safe. A write that fails throws, which the controller counts and ignores: the request's
 * answer never depends on the log.
 */
public final class TraceLog implements TraceSink, Closeable {

  /**
   * @param maxBytes rotate before the file passes this size (0: never rotate)
   * @param keep rotated files kept ({@code FILE.1} .. {@code FILE.keep}); older ones are deleted
   * @param sampleRate fraction of requests recorded, in (0, 1]
   * @param hashPrompts record a SHA-256 of the prompt instead of its text, and no sample texts
   * @param seed seed of the sampling
   */
  public record Options(long maxBytes, int keep, double sampleRate, boolean hashPrompts, long seed) {
    public static final Options DEFAULT = new Options(0, 5, 1.0, false, 0);

    public Options {
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
      if (keep < 1) throw new IllegalArgumentException("keep must be >= 1, was " + keep);
      if (!(sampleRate > 0 && sampleRate <= 1)) throw new IllegalArgumentException("sampleRate must be in (0, 1], was " + sampleRate);
    }
  }

  /** The request metadata key whose value the record keeps as its request id (feedback refers to it). */
  public static final String REQUEST_ID = "request_id";

  private final Path file;
  private final String pool;
  private final String model;
  private final Options options;
  private final SplittableRandom sampler;
  private FileChannel out;
  private long size;
  private long nextQid;

  private TraceLog(Path file, String model, Options options) throws IOException {
    this.file = file.toAbsolutePath();
    String name = file.getFileName().toString();
    this.pool = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    this.model = model;
    this.options = options;
    this.sampler = new SplittableRandom(options.seed());
    if (this.file.getParent() != null) Files.createDirectories(this.file.getParent());
    this.nextQid = Files.exists(this.file) ? readRecords(this.file).nextQid() : 0;
    openChannel();
  }

  private void openChannel() throws IOException {
    out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = out.size();
    // A crash may have torn the last line: start the next record on a line of its own.
    if (size > 0 && !endsWithNewline()) writeFully("\n".getBytes(StandardCharsets.UTF_8));
  }

  private boolean endsWithNewline() throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, in.size() - 1);
      return last.get(0) == '\n';
    }
  }

  /** {@return a log appending to {@code file} with the default options (no rotation, every request, texts kept)} */
  public static TraceLog open(Path file, String model) {
    return open(file, model, Options.DEFAULT);
  }

  /**
   * {@return a log appending to {@code file}, created if missing} Its pool name is the file name
   * without {@code .jsonl}.
   *
   * @param model the model every record names (the backend's name)
   * @throws UncheckedIOException when the file cannot be opened for appending, saying which
   */
  public static TraceLog open(Path file, String model, Options options) {
    try {
      return new TraceLog(file, model, Objects.requireNonNull(options, "options"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the trace log " + file.toAbsolutePath() + " for appending: " + e.getMessage(), e);
    }
  }

  /** {@return the file this log appends to} */
  public Path file() {
    return file;
  }

  @Override
  public void record(RunRecord r) {
    synchronized (this) {
      if (options.sampleRate() < 1 && sampler.nextDouble() >= options.sampleRate()) return;
      byte[] line = (TraceCodec.encode(toTrace(r, nextQid++)) + "\n").getBytes(StandardCharsets.UTF_8);
      try {
        if (options.maxBytes() > 0 && size > 0 && size + line.length > options.maxBytes()) rotate();
        writeFully(line);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the trace log " + file + ": " + e.getMessage(), e);
      }
    }
  }

  private void writeFully(byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) size += out.write(buf);
  }

  /** Shifts FILE.(k) to FILE.(k+1), FILE to FILE.1, and starts a new FILE. */
  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(rotated(options.keep()));
    for (int k = options.keep() - 1; k >= 1; k--) {
      if (Files.exists(rotated(k))) Files.move(rotated(k), rotated(k + 1), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    openChannel();
  }

  /**
   * Appends feedback on a request to the log's feedback file ({@link #feedbackFile}): a gold answer,
   * a right/wrong verdict on the answer given, or both. Readers ({@link Pool#readLogs}) attach it to
   * the record with that request id.
   */
  public synchronized void feedback(String requestId, @org.jspecify.annotations.Nullable String gold,
      @org.jspecify.annotations.Nullable Boolean correct) {
    if (gold == null && correct == null) throw new IllegalArgumentException("feedback needs a gold answer or a verdict");
    var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.put("request_id", requestId);
    if (gold != null) node.put("gold", gold);
    if (correct != null) node.put("correct", correct);
    try {
      Files.writeString(feedbackFile(file), node + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + feedbackFile(file) + ": " + e.getMessage(), e);
    }
  }

  /** {@return where feedback on the log {@code log} goes: {@code NAME.feedback} beside {@code NAME.jsonl}} */
  public static Path feedbackFile(Path log) {
    String name = log.getFileName().toString().replaceFirst("\\.jsonl(\\.\\d+)?$", "");
    return log.resolveSibling(name + ".feedback");
  }

  /** {@return the k-th rotated file, {@code FILE.k}} */
  public Path rotated(int k) {
    return file.resolveSibling(file.getFileName() + "." + k);
  }

  /** {@return {@code r} as a trace record: samples with their answers, tokens and finish; the plan; the outcome} */
  TraceRecord toTrace(RunRecord r, long qid) {
    boolean hash = options.hashPrompts();
    List<TraceRecord.Sample> samples = r.samples().stream()
        .map(s -> new TraceRecord.Sample(hash ? null : s.text(), s.answer(), null, s.outputTokens(), s.meanLogprobOrNull(), s.verifierScoreOrNull(),
            s.finish().name().toLowerCase(Locale.ROOT)))
        .toList();
    Outcome o = r.outcome();
    String kind = switch (o) {
      case Outcome.Answered a -> "answered";
      case Outcome.Abstained a -> "abstained";
      case Outcome.Failed f -> "failed";
    };
    String answer = o instanceof Outcome.Answered a ? a.answer() : null;
    var summary = new TraceRecord.OutcomeSummary(kind, answer, o.mode(), o.spend().inputTokens(), o.spend().outputTokens(),
        o.exitLabels(), o.spend().elapsed().toMillis());
    String task = r.request().metadata().getOrDefault("task", "unknown");
    String question = hash ? "sha256:" + sha256(r.request().prompt()) : r.request().prompt();
    // The estimate goes with the features the estimator saw, under estimate.* (NaN: not estimated, left out).
    java.util.Map<String, Double> features = new java.util.TreeMap<>(r.features().values());
    if (!Double.isNaN(r.estimate().pCorrect())) features.put("estimate.p_correct", r.estimate().pCorrect());
    if (!Double.isNaN(r.estimate().lengthShape())) features.put("estimate.length_shape", r.estimate().lengthShape());
    if (!Double.isNaN(r.estimate().lengthScale())) features.put("estimate.length_scale", r.estimate().lengthScale());
    return new TraceRecord(TraceRecord.SCHEMA_VERSION, pool, qid, question, null, model, task, samples,
        r.plan().describe(), features, summary, r.request().metadata().get(REQUEST_ID));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  /**
   * What a tolerant read of a trace log found: the whole records, and the lines a crash tore.
   *
   * @param records every whole record, in file order
   * @param tornLines "line N: text" of each line that does not parse (a write cut short by a crash:
   *     at the end of the file, or just before a reopen started a fresh line), skipped
   */
  public record LogContents(List<TraceRecord> records, List<String> tornLines) {
    /** {@return the question id after the largest one seen (0 for an empty log)} */
    public long nextQid() {
      return records.stream().mapToLong(TraceRecord::qid).max().orElse(-1) + 1;
    }
  }

  /**
   * Reads a trace log, tolerating crashes: a line that does not parse is reported in
   * {@link LogContents#tornLines} and skipped instead of failing the whole read, so one torn write
   * never costs the records around it.
   */
  public static LogContents readRecords(Path file) {
    List<TraceRecord> records = new java.util.ArrayList<>();
    List<String> torn = new java.util.ArrayList<>();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        try {
          records.add(TraceCodec.decode(line));
        } catch (TraceCodec.BadRecord e) {
          torn.add("line " + n + ": " + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new LogContents(records, torn);
  }
}

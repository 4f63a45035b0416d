package dev.bursar.trace;

import dev.bursar.controller.Outcome;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.TraceSink;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * A {@link TraceSink} that appends every request's {@link RunRecord} to a file as one
 * {@link TraceRecord} JSON line, the format {@link Pool#read} and the replay backend read. Each
 * record is written with one call and flushed, so a reader sees whole lines; question ids continue
 * after the records already in the file.
 *
 * <p>Thread-safe. A write that fails throws, which the controller counts and ignores: the request's
 * answer never depends on the log.
 */
public final class TraceLog implements TraceSink, Closeable {
  private final Path file;
  private final String pool;
  private final String model;
  private final Writer out;
  private long nextQid;

  private TraceLog(Path file, String model) throws IOException {
    this.file = file;
    String name = file.getFileName().toString();
    this.pool = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
    this.model = model;
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    try (var lines = Files.exists(file) ? Files.lines(file, StandardCharsets.UTF_8) : java.util.stream.Stream.<String>empty()) {
      this.nextQid = lines.filter(l -> !l.isBlank()).count();
    }
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * {@return a log appending to {@code file}, created if missing} Its pool name is the file name
   * without {@code .jsonl}.
   *
   * @param model the model every record names (the backend's name)
   * @throws UncheckedIOException when the file cannot be opened for appending, saying which
   */
  public static TraceLog open(Path file, String model) {
    try {
      return new TraceLog(file, model);
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
    String line;
    synchronized (this) {
      line = TraceCodec.encode(toTrace(r, nextQid++)) + "\n";
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the trace log " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** {@return {@code r} as a trace record: samples with their answers, tokens and finish; the plan; the outcome} */
  TraceRecord toTrace(RunRecord r, long qid) {
    List<TraceRecord.Sample> samples = r.samples().stream()
        .map(s -> new TraceRecord.Sample(s.text(), s.answer(), null, s.outputTokens(), null, null,
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
    return new TraceRecord(TraceRecord.SCHEMA_VERSION, pool, qid, r.request().prompt(), null, model, task, samples,
        r.plan().describe(), r.features().values(), summary);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}

package dev.bursar.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * The records of one pool or trace-log file, in file order.
 *
 * @param name the pool name (the file name without {@code .jsonl})
 * @param file where it was read from
 * @param records one per question
 */
public record Pool(String name, Path file, List<TraceRecord> records) {
  public Pool {
    records = List.copyOf(records);
  }

  /** {@return the largest number of samples any question has} */
  public int maxSamples() {
    int m = 0;
    for (var r : records) m = Math.max(m, r.samples().size());
    return m;
  }

  /** {@return true when no sample has an answer, so no vote is possible (a length-only pool)} */
  public boolean lengthOnly() {
    for (var r : records) if (r.hasAnswers()) return false;
    return true;
  }

  /**
   * Reads a {@code .jsonl} file strictly: every non-blank line must be a valid record and qids
   * must be unique. Never skips data.
   *
   * @throws TraceFormatException naming the file, the line and what is wrong
   */
  public static Pool read(Path file) {
    String fileName = file.getFileName().toString();
    String name = fileName.endsWith(".jsonl") ? fileName.substring(0, fileName.length() - 6) : fileName;
    List<TraceRecord> records = new ArrayList<>();
    var qids = new HashSet<Long>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        TraceRecord r;
        try {
          r = TraceCodec.decode(line);
        } catch (TraceCodec.BadRecord e) {
          throw new TraceFormatException(file, n, e.getMessage());
        }
        if (!qids.add(r.qid())) throw new TraceFormatException(file, n, "qid " + r.qid() + " appears twice");
        records.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new Pool(name, file, records);
  }

  /**
   * Reads pools and trace logs tolerantly ({@link TraceLog#readRecords}): every {@code .jsonl} file
   * among {@code paths}, and in directories also rotated logs ({@code FILE.jsonl.1} ...). A line a
   * crash tore is skipped and reported on {@code warnings}; everything else is read.
   */
  public static List<Pool> readLogs(List<Path> paths, java.io.PrintStream warnings) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().matches(".*\\.jsonl(\\.\\d+)?")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new IllegalArgumentException("no such pool, trace log or directory: " + p);
      }
    }
    if (files.isEmpty()) throw new IllegalArgumentException("no .jsonl pools or trace logs found in " + paths);
    List<Pool> out = new ArrayList<>();
    for (Path f : files) {
      var contents = TraceLog.readRecords(f);
      for (String t : contents.tornLines()) warnings.printf("warning: %s: skipped a torn %s%n", f, t);
      String name = f.getFileName().toString().replaceFirst("\\.jsonl(\\.\\d+)?$", "");
      out.add(new Pool(name, f, Feedback.apply(contents.records(), TraceLog.feedbackFile(f), warnings)));
    }
    return out;
  }

  /**
   * Reads every {@code .jsonl} file among {@code paths} (files, or directories scanned one level
   * deep), sorted by name.
   */
  public static List<Pool> readAll(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new IllegalArgumentException("no such pool file or directory: " + p);
      }
    }
    if (files.isEmpty()) throw new IllegalArgumentException("no .jsonl pool files found in " + paths);
    return files.stream().map(Pool::read).toList();
  }
}

package dev.bursar.trace;

import java.nio.file.Path;

/** A line of a pool or trace log that does not follow the record layout. Names the file, line and field. */
public final class TraceFormatException extends RuntimeException {
  public TraceFormatException(Path file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
  }
}

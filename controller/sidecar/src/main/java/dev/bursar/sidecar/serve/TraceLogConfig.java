package dev.bursar.sidecar.serve;

import dev.bursar.trace.TraceLog;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * How the trace log ({@code --trace-log FILE}) is kept, under {@code bursar.trace-log.*}.
 *
 * @param maxMb rotate before the file passes this many MiB (0: never)
 * @param keep rotated files kept ({@code FILE.1} .. {@code FILE.keep})
 * @param sampleRate fraction of requests recorded, in (0, 1]
 * @param hashPrompts keep a SHA-256 of each prompt instead of its text, and no sample texts
 */
@ConfigurationProperties("bursar.trace-log")
public record TraceLogConfig(
    @Bindable(defaultValue = "256") long maxMb,
    @Bindable(defaultValue = "5") int keep,
    @Bindable(defaultValue = "1.0") double sampleRate,
    @Bindable(defaultValue = "false") boolean hashPrompts) {

  TraceLog.Options options() {
    try {
      return new TraceLog.Options(maxMb * 1024 * 1024, keep, sampleRate, hashPrompts, System.nanoTime());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bursar.trace-log: " + e.getMessage(), e);
    }
  }
}

package dev.bursar.trace;

import dev.bursar.controller.RunRecord;
import dev.bursar.controller.TraceSink;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands records to a {@link TraceLog} on a writer thread of its own, so encoding and writing a
 * record never adds to a request's latency. The queue is bounded: when the writer falls behind,
 * a record is dropped and counted ({@link #dropped}) rather than a request made to wait. Closing
 * writes what is queued, then closes the log.
 */
public final class AsyncTraceSink implements TraceSink, Closeable {
  private final TraceLog log;
  private final BlockingQueue<RunRecord> queue;
  private final Thread writer;
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile boolean closing;

  public AsyncTraceSink(TraceLog log, int capacity) {
    this.log = log;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = Thread.ofPlatform().daemon().name("bursar-trace-log").start(this::drain);
  }

  @Override
  public void record(RunRecord r) {
    if (closing || !queue.offer(r)) dropped.increment();
  }

  private void drain() {
    try {
      while (!closing || !queue.isEmpty()) {
        RunRecord r = queue.poll(100, TimeUnit.MILLISECONDS); // null: nothing came; look at closing again
        if (r == null) continue;
        try {
          log.record(r);
        } catch (RuntimeException e) {
          failed.increment();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@return records dropped because the writer fell behind or the sink was closing} */
  public long dropped() {
    return dropped.sum();
  }

  /** {@return records the log failed to write} */
  public long failed() {
    return failed.sum();
  }

  public TraceLog log() {
    return log;
  }

  @Override
  public void close() throws IOException {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.close();
  }
}

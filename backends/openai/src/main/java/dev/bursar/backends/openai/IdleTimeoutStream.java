package dev.bursar.backends.openai;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that closes itself when nothing arrives for longer than the read timeout, so
 * that a stalled upstream stream ends the read with an error instead of a hang.
 */
final class IdleTimeoutStream extends FilterInputStream {
  private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bursar-upstream-idle-watch");
    t.setDaemon(true);
    return t;
  });

  private final long limitNanos;
  private volatile long last = System.nanoTime();
  private volatile boolean timedOut;
  private volatile boolean closed;
  private final ScheduledFuture<?> check;

  IdleTimeoutStream(InputStream in, Duration limit) {
    super(in);
    this.limitNanos = limit.toNanos();
    long every = Math.max(10, limit.toMillis() / 4);
    this.check = WATCH.scheduleAtFixedRate(this::checkIdle, every, every, TimeUnit.MILLISECONDS);
  }

  private void checkIdle() {
    if (closed) return;
    if (System.nanoTime() - last > limitNanos) {
      timedOut = true;
      try {
        close();
      } catch (IOException ignored) {
        // closing is best effort: the reader sees the stream end either way
      }
    }
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = guard(super.read());
    } catch (IOException e) {
      throw timedOut ? timeout() : e;
    }
    last = System.nanoTime();
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n;
    try {
      n = guard(super.read(buf, off, len));
    } catch (IOException e) {
      throw timedOut ? timeout() : e;
    }
    last = System.nanoTime();
    return n;
  }

  private int guard(int n) throws IOException {
    if (timedOut) throw timeout();
    return n;
  }

  private IOException timeout() {
    return new IOException("the upstream sent nothing for " + limitNanos / 1_000_000 + " ms; the stream was closed");
  }

  /** {@return whether the watch closed it for silence} */
  boolean timedOut() {
    return timedOut;
  }

  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    check.cancel(false);
    super.close();
  }
}

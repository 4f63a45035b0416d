package dev.bursar.sidecar.serve;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounded concurrency with a bounded, fair queue: at most {@code maxConcurrent} requests run; up to
 * {@code maxQueue} more wait, first come first served (a fair semaphore), for at most
 * {@code queueTimeout}; beyond that a request is refused at once with 429 and {@code Retry-After}.
 * So a client that honours {@code Retry-After} is not starved by one that retries at once: the
 * queue is served in arrival order, and a flood is refused before it takes memory.
 */
final class Admission {
  private final Semaphore permits;
  private final int maxConcurrent;
  private final int maxQueue;
  private final Duration queueTimeout;
  private final int retryAfterSeconds;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  Admission(int maxConcurrent, int maxQueue, Duration queueTimeout, Duration retryAfter) {
    this.permits = new Semaphore(maxConcurrent, true);
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
    this.queueTimeout = queueTimeout;
    this.retryAfterSeconds = (int) Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }

  /** A held slot; closing it frees the slot for the next in the queue. Idempotent. */
  final class Slot implements AutoCloseable {
    private boolean open = true;

    @Override
    public synchronized void close() {
      if (!open) return;
      open = false;
      inFlight.decrementAndGet();
      permits.release();
    }
  }

  /** @throws ApiException 429 when the queue is full or the wait ran out; 503 while draining */
  Slot acquire() {
    if (draining) throw shuttingDown();
    if (!permits.tryAcquire()) {
      if (waiting.incrementAndGet() > maxQueue) {
        waiting.decrementAndGet();
        throw full("bursar is at capacity: " + maxConcurrent + " requests are in flight and " + maxQueue
            + " are queued (bursar.sidecar.max-concurrent, bursar.sidecar.max-queue)");
      }
      try {
        if (!permits.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
          throw full("bursar is at capacity: waited " + ChatService.human(queueTimeout) + " in the queue for one of "
              + maxConcurrent + " slots (bursar.sidecar.queue-timeout)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw shuttingDown();
      } finally {
        waiting.decrementAndGet();
      }
    }
    inFlight.incrementAndGet();
    return new Slot();
  }

  private ApiException full(String what) {
    return ApiException.tooMany(what + ". Retry after " + retryAfterSeconds + " s.", retryAfterSeconds);
  }

  static ApiException shuttingDown() {
    return ApiException.of(io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE, "overloaded_error", "shutting_down",
        "bursar is shutting down; retry on another instance");
  }

  /** {@return whether a request is waiting for a slot} */
  boolean hasQueued() {
    return permits.hasQueuedThreads();
  }

  /** {@return how many requests wait for a slot} */
  int queued() {
    return permits.getQueueLength();
  }

  int inFlight() {
    return inFlight.get();
  }

  boolean draining() {
    return draining;
  }

  /** Refuses new requests from now on (503, shutting down). */
  void stopAccepting() {
    draining = true;
  }

  /** Waits up to {@code limit} for the requests in flight to finish; {@return whether they all did} */
  boolean awaitIdle(Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < end) Thread.sleep(20);
    return inFlight.get() == 0;
  }
}

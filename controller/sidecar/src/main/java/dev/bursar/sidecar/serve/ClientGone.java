package dev.bursar.sidecar.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Set when a request's client has closed its connection. A run polls it (it is an
 * {@link AtomicBoolean}); work that waits on something else, such as an upstream's response, asks
 * to be told with {@link #whenGone} and is cancelled then.
 */
final class ClientGone extends AtomicBoolean {
  private final List<Runnable> callbacks = new ArrayList<>();

  /** Marks the client gone and runs what was waiting for it, once. */
  void markGone() {
    List<Runnable> run;
    synchronized (callbacks) {
      if (getAndSet(true)) return;
      run = List.copyOf(callbacks);
      callbacks.clear();
    }
    run.forEach(Runnable::run);
  }

  /**
   * Runs {@code r} when the client goes, or now if it has gone already.
   *
   * @return what forgets {@code r}: call it when the work is done, so a kept-alive connection does
   *     not hold on to every request it served
   */
  Runnable whenGone(Runnable r) {
    synchronized (callbacks) {
      if (!get()) {
        callbacks.add(r);
        return () -> {
          synchronized (callbacks) {
            callbacks.remove(r);
          }
        };
      }
    }
    r.run();
    return () -> {};
  }
}

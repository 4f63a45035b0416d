package dev.bursar.sidecar.serve;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the requests still running on a connection when it closes, with one close listener per
 * connection however many requests it serves. A listener per request (as before) stayed on a
 * kept-alive connection's close future until the connection closed: about 150 bytes per request
 * served, so a client holding one connection at 500 requests/s grew the heap by gigabytes a day.
 * Requests are held weakly: a finished one is forgotten once collected.
 */
final class ConnectionWatch {
  static final AttributeKey<ConnectionWatch> KEY = AttributeKey.valueOf("bursar.connection-watch");

  private final List<WeakReference<ClientGone>> requests = new ArrayList<>();
  private int pruneAt = 16;
  private boolean closed;

  /** {@return a flag for a new request on {@code channel}, set when the channel closes} */
  static ClientGone watch(Channel channel) {
    ConnectionWatch w = channel.attr(KEY).get();
    if (w == null) {
      ConnectionWatch fresh = new ConnectionWatch();
      w = channel.attr(KEY).setIfAbsent(fresh);
      if (w == null) {
        w = fresh;
        channel.closeFuture().addListener(f -> fresh.closed());
      }
    }
    return w.add();
  }

  /** {@return a flag registered with this connection} (already set if the connection has closed) */
  ClientGone add() {
    var gone = new ClientGone();
    synchronized (this) {
      if (!closed) {
        // Drop the requests already collected whenever the list doubles: amortised O(1) per request.
        if (requests.size() >= pruneAt) {
          requests.removeIf(r -> r.get() == null);
          pruneAt = Math.max(16, 2 * requests.size());
        }
        requests.add(new WeakReference<>(gone));
        return gone;
      }
    }
    gone.markGone();
    return gone;
  }

  /** Marks every request still held as gone. */
  void closed() {
    List<WeakReference<ClientGone>> held;
    synchronized (this) {
      closed = true;
      held = List.copyOf(requests);
      requests.clear();
    }
    for (WeakReference<ClientGone> r : held) {
      ClientGone g = r.get();
      if (g != null) g.markGone();
    }
  }

  /** {@return how many request entries the connection holds now} (for tests) */
  synchronized int held() {
    return requests.size();
  }
}

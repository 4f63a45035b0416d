package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class AdmissionTest {

  @Test
  void acquire_queueFull_429WithRetryAfter() throws Exception {
    var a = new Admission(1, 1, Duration.ofSeconds(30), Duration.ofSeconds(2));
    Admission.Slot held = a.acquire();
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      var waiter = CompletableFuture.supplyAsync(a::acquire, threads);
      while (!a.hasQueued()) Thread.onSpinWait();
      assertThatThrownBy(a::acquire).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status().getCode()).isEqualTo(429);
        assertThat(e.toResponse().getHeaders().get("Retry-After")).isEqualTo("2");
        assertThat(e.getMessage()).contains("1 are queued");
      });
      held.close();
      waiter.get(10, TimeUnit.SECONDS).close();
    }
    assertThat(a.inFlight()).isZero();
  }

  @Test
  void acquire_waitersAreServedFirstComeFirstServed() throws Exception {
    var a = new Admission(1, 8, Duration.ofSeconds(30), Duration.ofSeconds(1));
    Admission.Slot held = a.acquire();
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int id = i;
      waiters.add(Thread.ofVirtual().start(() -> {
        try (Admission.Slot s = a.acquire()) {
          order.add(id);
        }
      }));
      // Each waiter is queued before the next one arrives.
      while (a.queued() < i + 1) Thread.onSpinWait();
    }
    held.close();
    for (Thread t : waiters) t.join(10_000);
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void acquire_queueTimeout_429() {
    var a = new Admission(1, 4, Duration.ofMillis(1), Duration.ofSeconds(1));
    a.acquire();
    assertThatThrownBy(a::acquire).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.status().getCode()).isEqualTo(429));
  }

  @Test
  void drain_refusesNewRequestsAndWaitsForThoseInFlight() throws Exception {
    var a = new Admission(2, 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
    Admission.Slot inFlight = a.acquire();
    Thread closer = Thread.ofVirtual().start(() -> {
      while (!a.draining()) Thread.onSpinWait();
      inFlight.close();
    });
    a.stopAccepting();
    assertThat(a.awaitIdle(Duration.ofSeconds(10))).as("drained").isTrue();
    closer.join();
    assertThatThrownBy(a::acquire).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.status().getCode()).isEqualTo(503));
  }
}

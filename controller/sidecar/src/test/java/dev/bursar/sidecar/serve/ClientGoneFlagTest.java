package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class ClientGoneFlagTest {
  @Test
  void callbacksRunOnceWhenTheClientGoes_forgottenOnesNever_lateOnesAtOnce() {
    var gone = new ClientGone();
    var waiting = new AtomicInteger();
    var forgotten = new AtomicInteger();
    gone.whenGone(waiting::incrementAndGet);
    gone.whenGone(forgotten::incrementAndGet).run(); // the request finished first

    gone.markGone();
    gone.markGone();

    assertThat(gone.get()).isTrue();
    assertThat(waiting.get()).isEqualTo(1);
    assertThat(forgotten.get()).isZero();
    var late = new AtomicInteger();
    gone.whenGone(late::incrementAndGet);
    assertThat(late.get()).as("registered after the client went: runs at once").isEqualTo(1);
  }
}

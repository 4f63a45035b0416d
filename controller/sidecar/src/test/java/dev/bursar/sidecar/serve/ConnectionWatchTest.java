package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** One close listener per connection: running requests hear of the close, finished ones are not held. */
final class ConnectionWatchTest {

  @Test
  void closingTheConnectionMarksItsRunningRequests_andALaterRequestIsGoneAtOnce() {
    var channel = new EmbeddedChannel();
    ClientGone a = ConnectionWatch.watch(channel);
    ClientGone b = ConnectionWatch.watch(channel);
    boolean[] cancelled = {false};
    b.whenGone(() -> cancelled[0] = true);
    assertThat(a.get()).isFalse();
    channel.close();
    assertThat(a.get()).isTrue();
    assertThat(b.get()).isTrue();
    assertThat(cancelled[0]).isTrue();
    assertThat(ConnectionWatch.watch(channel).get()).isTrue();
  }

  @Test
  void aKeptAliveConnectionDoesNotHoldEveryRequestItServed() {
    var channel = new EmbeddedChannel();
    ConnectionWatch.watch(channel);
    var watch = channel.attr(ConnectionWatch.KEY).get();
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 100_000; i++) ConnectionWatch.watch(channel); // each request finishes at once
      System.gc();
    }
    ConnectionWatch.watch(channel);
    // A listener per request held all 1,000,001 until the connection closed; collected ones are dropped as the list grows.
    assertThat(watch.held()).isLessThan(300_000);
    ClientGone running = ConnectionWatch.watch(channel);
    channel.close();
    assertThat(running.get()).isTrue();
  }
}

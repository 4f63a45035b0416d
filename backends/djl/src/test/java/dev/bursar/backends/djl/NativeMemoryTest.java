package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many requests through a small, churning prefix cache must not grow native memory: every request
 * scope is closed, every evicted cache entry is closed, and the weights' manager gains nothing.
 */
final class NativeMemoryTest {

  @Test
  void twoThousandRequests_leaveNoNativeArraysBehind(@TempDir Path dir) throws IOException {
    churn(dir, 2_000, false);
  }

  @Test
  @Tag("slow")
  void tenThousandRequests_leaveNoNativeArraysBehind(@TempDir Path dir) throws IOException {
    churn(dir, 10_000, true);
  }

  /**
   * The native arrays are counted exactly; the process's RSS only in the long run, where a leak
   * outgrows the allocator's and the JVM's own noise (on 2 shared cores the 2,000-request growth
   * ranged from 54 to 125 MiB with no array left behind).
   */
  private static void churn(Path dir, int requests, boolean checkRss) throws IOException {
    TinyModels.write(dir, TinyModels.config(false), 5);
    // ~6 cached prompts fit: the cache evicts continuously
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).prefixCacheBytes(40_000).build()) {
      int weights = b.weightArrays();
      long rssAtWarm = 0;
      int maxLive = 0;
      int warm = requests / 5;
      for (int i = 0; i < requests; i++) {
        String prompt = "Q:" + (i % 97) + "+" + (i % 89) + "*" + (i % 13) + "\n";
        int n = 1 + i % 3;
        var req = GenerationRequest.of(prompt, n, 3, new Sampling(0.9, 0.95, 10, i));
        // cancel some sequences early so the batch shrinks (row selection) on many requests
        TokenListener l = (seq, ev) -> seq != 1 || ev.position() < 1;
        b.generate(req, l);
        if (i % 10 == 0) b.hiddenStates(prompt, 1, new int[] {-1});
        maxLive = Math.max(maxLive, b.liveArrays());
        if (i == warm) {
          System.gc();
          rssAtWarm = rssBytes();
        }
      }
      System.gc();
      long rssGrowth = rssBytes() - rssAtWarm;
      assertThat(b.weightArrays()).isEqualTo(weights);
      // what is still live belongs to the cache alone: bounded by its entries, and zero once emptied
      assertThat(maxLive).isLessThan(20 * 2 * 2 + 8);
      b.clearPrefixCache();
      assertThat(b.liveArrays()).isZero();
      assertThat(b.stats().cacheEvictions()).isGreaterThan(requests / 2);
      System.out.printf("NativeMemoryTest: %d requests, RSS growth after warm-up %.1f MiB, peak live arrays %d%n",
          requests, rssGrowth / 1048576.0, maxLive);
      if (checkRss) assertThat(rssGrowth).isLessThan(64L << 20);
    }
  }

  private static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    }
    return 0;
  }
}

package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PrefixCacheTest {

  private static KvCache kv(NDManager m, int len) {
    NDArray k = m.zeros(new Shape(1, 1, len, 4));
    NDArray v = m.ones(new Shape(1, 1, len, 4));
    return new KvCache(List.of(k), List.of(v));
  }

  @Test
  void lookup_returnsLongestCachedPrefix_andCountsHitsAndMisses() {
    try (NDManager root = NDManager.newBaseManager(); PrefixCache cache = new PrefixCache(root, 1 << 20)) {
      int[] tokens = {5, 6, 7, 8, 9};
      cache.put(tokens, 2, kv(root, 2), new float[3]).close();
      cache.put(tokens, 4, kv(root, 4), new float[3]).close();
      try (PrefixCache.Lease l = cache.lookup(tokens, 5)) {
        assertThat(l).isNotNull();
        assertThat(l.length()).isEqualTo(4);
      }
      try (PrefixCache.Lease l = cache.lookup(tokens, 3)) {
        assertThat(l.length()).isEqualTo(2);
      }
      assertThat(cache.lookup(new int[] {6, 5}, 2)).isNull();
      assertThat(cache.stats().cache().hitCount()).isEqualTo(2);
      assertThat(cache.stats().cache().missCount()).isEqualTo(1);
      assertThat(cache.stats().tokensReused()).isEqualTo(6);
    }
  }

  @Test
  void evictedWhileLeased_staysValidUntilReleased_thenIsClosed() {
    try (NDManager root = NDManager.newBaseManager(); PrefixCache cache = new PrefixCache(root, 1 << 20)) {
      PrefixCache.Lease lease = cache.put(new int[] {1, 2, 3}, 3, kv(root, 3), new float[3]);
      NDArray key = lease.kv().keys().getFirst();
      cache.invalidateAll();
      assertThat(cache.stats().entries()).isZero();
      // still readable by the request that holds it
      assertThat(key.sum().getFloat()).isZero();
      assertThat(key.isReleased()).isFalse();
      lease.close();
      assertThat(key.isReleased()).isTrue();
      assertThat(root.getManagedArrays()).isEmpty();
    }
  }

  @Test
  void weigher_boundsTheCacheByBytes() {
    try (NDManager root = NDManager.newBaseManager(); PrefixCache cache = new PrefixCache(root, 3_000)) {
      for (int i = 0; i < 20; i++) cache.put(new int[] {i, i, i, i, i, i, i, i}, 8, kv(root, 8), new float[8]).close();
      PrefixCache.Stats s = cache.stats();
      assertThat(s.weightBytes()).isLessThanOrEqualTo(3_000);
      assertThat(s.cache().evictionCount()).isPositive();
      // evicted entries released their native arrays: 2 arrays per live entry remain
      assertThat(root.getManagedArrays()).hasSize((int) (2 * s.entries()));
    }
  }
}

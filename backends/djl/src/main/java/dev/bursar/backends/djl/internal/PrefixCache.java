package dev.bursar.backends.djl.internal;

import ai.djl.ndarray.NDManager;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Keys and values of prompts already prefilled, keyed by their token ids, bounded by bytes of
 * native memory. A lookup returns the longest cached prefix of the asked tokens, so the N samples,
 * probes and search branches of one query prefill their shared prefix once.
 *
 * <p>Each entry owns its arrays through its own sub-manager of the cache's manager. Entries are
 * reference-counted: the cache holds one reference and every {@link Lease} another, so an entry
 * evicted while a request reads it is closed when that request lets go, never under it.
 */
public final class PrefixCache implements AutoCloseable {

  /** Token prefix as a cache key: hash precomputed, equality over the first {@code length} ids. */
  static final class Key {
    final int[] tokens;
    final int length;
    final int hash;

    Key(int[] tokens, int length, int hash) {
      this.tokens = tokens;
      this.length = length;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.length == length && k.hash == hash
          && Arrays.equals(tokens, 0, length, k.tokens, 0, k.length);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** One cached prompt prefix. */
  static final class Entry {
    final int length;
    final KvCache kv;
    final float[] lastLogits;
    final NDManager manager;
    final long bytes;
    private int refs = 1;

    Entry(int length, KvCache kv, float[] lastLogits, NDManager manager) {
      this.length = length;
      this.kv = kv;
      this.lastLogits = lastLogits;
      this.manager = manager;
      this.bytes = kv.bytes() + 4L * lastLogits.length + 64L * 4 * kv.keys().size();
    }

    synchronized boolean acquire() {
      if (refs == 0) return false;
      refs++;
      return true;
    }

    synchronized void release() {
      if (refs == 0) return;
      if (--refs == 0) manager.close();
    }
  }

  /** A request's hold on a cached prefix; closing it lets the entry be freed once evicted. */
  public static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    Lease(Entry entry) {
      this.entry = entry;
    }

    /** {@return how many leading tokens the cached keys and values cover} */
    public int length() {
      return entry.length;
    }

    /** {@return the cached keys and values, batch 1; read-only, valid until close} */
    public KvCache kv() {
      return entry.kv;
    }

    /** {@return the logits after the last cached token} */
    public float[] lastLogits() {
      return entry.lastLogits;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        entry.release();
      }
    }
  }

  /** Counters of the cache, including the token-level work it saved. */
  public record Stats(CacheStats cache, long entries, long weightBytes, long tokensReused, long tokensPrefilled) {}

  private final NDManager manager;
  private final Cache<Key, Entry> cache;
  private final AtomicLong weight = new AtomicLong();
  private final AtomicLong tokensReused = new AtomicLong();
  private final AtomicLong tokensPrefilled = new AtomicLong();

  /** @param parent manager under which the cache creates its own; closed with {@link #close()} */
  public PrefixCache(NDManager parent, long maxBytes) {
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    this.manager = parent.newSubManager();
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes))
        .executor(Runnable::run) // close native memory on the evicting thread, deterministically
        .removalListener((Key k, Entry e, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
          if (e != null) {
            weight.addAndGet(-e.bytes);
            e.release();
          }
        })
        .recordStats()
        .build();
  }

  /**
   * Finds the longest cached prefix of {@code tokens[0..limit)}.
   *
   * @return a lease on it, or null on a miss (counted as one miss)
   */
  public @Nullable Lease lookup(int[] tokens, int limit) {
    int[] hashes = new int[limit + 1];
    int h = 1;
    hashes[0] = h;
    for (int i = 0; i < limit; i++) {
      h = 31 * h + tokens[i];
      hashes[i + 1] = h;
    }
    for (int len = limit; len >= 1; len--) {
      Key key = new Key(tokens, len, hashes[len]);
      // asMap().get does not count stats; the hit is counted once below
      Entry e = cache.asMap().get(key);
      if (e != null && e.acquire()) {
        cache.getIfPresent(key);
        tokensReused.addAndGet(len);
        return new Lease(e);
      }
    }
    cache.getIfPresent(new Key(tokens, limit, hashes[limit]));
    return null;
  }

  /**
   * Caches the keys and values of {@code tokens[0..length)}; the cache takes ownership of
   * {@code kv}'s arrays (they move to a manager of its own).
   *
   * @return a lease on the stored entry, or null when caching was skipped (then {@code kv} is
   *     still owned by the caller)
   */
  public @Nullable Lease put(int[] tokens, int length, KvCache kv, float[] lastLogits) {
    if (kv.batch() != 1 || kv.length() != length) throw new IllegalArgumentException("cache needs batch 1 of the prefix length");
    Key key = new Key(Arrays.copyOf(tokens, length), length, hash(tokens, length));
    if (cache.asMap().containsKey(key)) return null;
    NDManager m = manager.newSubManager();
    Entry e = new Entry(length, kv.attach(m), lastLogits.clone(), m);
    e.acquire(); // the caller's lease, taken before any eviction can see the entry
    Entry prev = cache.asMap().putIfAbsent(key, e);
    if (prev != null) {
      // lost a race: the caller keeps using these arrays through the lease; they die with it
      e.release();
      return new Lease(e);
    }
    weight.addAndGet(e.bytes);
    return new Lease(e);
  }

  /** Records tokens that had to be run through the model because no cached prefix covered them. */
  public void recordPrefill(int tokens) {
    tokensPrefilled.addAndGet(tokens);
  }

  private static int hash(int[] tokens, int length) {
    int h = 1;
    for (int i = 0; i < length; i++) h = 31 * h + tokens[i];
    return h;
  }

  public Stats stats() {
    cache.cleanUp();
    return new Stats(cache.stats(), cache.estimatedSize(), weight.get(), tokensReused.get(), tokensPrefilled.get());
  }

  /** Drops every entry (their arrays are closed once no request holds them). */
  public void invalidateAll() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  @Override
  public void close() {
    invalidateAll();
    manager.close();
  }
}

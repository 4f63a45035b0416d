package dev.bursar.backends.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson with buffers shared across threads. Jackson's default pool keeps a parser's and a
 * generator's buffers per thread, and the sidecar serves each request on a new virtual thread, so
 * every request allocated them afresh: in a profile of {@code bench sidecar} (FAST pass-through)
 * Jackson's char buffers were a quarter of all the bytes the sidecar allocated.
 */
public final class PooledJson {
  /** A factory whose parsers and generators take their buffers from one shared pool. */
  public static final JsonFactory FACTORY =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();

  /** {@return a new mapper over {@link #FACTORY}} (mappers are thread-safe once configured: keep one) */
  public static ObjectMapper mapper() {
    return new ObjectMapper(FACTORY);
  }

  private PooledJson() {}
}

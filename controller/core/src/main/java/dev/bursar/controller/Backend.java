package dev.bursar.controller;

import java.util.List;
import java.util.Set;

/**
 * A language model the controller draws samples from. Blocking: callers run it on virtual
 * threads. Implementations translate their own failures into {@link BackendException}.
 */
public interface Backend extends AutoCloseable {

  /** {@return a short name for traces and telemetry, e.g. the model id} */
  String name();

  /** {@return what this backend can feed besides text} */
  Set<Capability> capabilities();

  /**
   * Samples {@code request.n()} continuations of one prompt. The listener sees every token and
   * may cancel a single sequence; a cancelled sequence is returned with what it produced so far
   * and {@link FinishReason#CANCELLED}. A source that can give no more samples (a recorded pool
   * that ran out) returns fewer generations than asked, possibly none.
   *
   * @return one generation per sequence, in index order
   * @throws BackendException when the backend fails, or after {@link #close()}
   */
  List<Generation> generate(GenerationRequest request, TokenListener listener);

  @Override
  default void close() {}
}

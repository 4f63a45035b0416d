package dev.bursar.sidecar.serve;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import dev.bursar.controller.WhiteBoxBackend;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ties the backend calls of a request to its client: the handler binds {@link #GONE} to a flag it
 * sets when the client disconnects (or the deadline's grace runs out), and every call of the
 * request, through {@link Scoped}, then stops at its next token and makes no new call. So a
 * request whose client has gone frees its slot at once instead of running to the end.
 */
final class ClientScope {
  /** Set when the request's client has gone. */
  static final ScopedValue<AtomicBoolean> GONE = ScopedValue.newInstance();

  private ClientScope() {}

  static boolean gone() {
    return GONE.isBound() && GONE.get().get();
  }

  /** {@return the backend the controller drives: {@code backend}, stopping for clients that left, white-box when it is} */
  static Backend scoped(Backend backend) {
    return backend instanceof WhiteBoxBackend wb ? new ScopedWhiteBox(wb) : new Scoped(backend);
  }

  /** Generates on {@code backend}, refused before and stopped during when the request's client has gone. */
  private static List<Generation> generateFor(Backend backend, GenerationRequest request, TokenListener listener) {
    if (!GONE.isBound()) return backend.generate(request, listener);
    AtomicBoolean gone = GONE.get();
    if (gone.get()) throw new BackendException("the client went away", false);
    return backend.generate(request, (seq, ev) -> !gone.get() && listener.onToken(seq, ev));
  }

  /** The backend the controller drives: the sidecar's backend, stopping for clients that left. */
  record Scoped(Backend delegate) implements Backend {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Set<Capability> capabilities() {
      return delegate.capabilities();
    }

    @Override
    public List<Generation> generate(GenerationRequest request, TokenListener listener) {
      return generateFor(delegate, request, listener);
    }

    @Override
    public void close() {
      // The delegate is the context's bean: Micronaut closes it.
    }
  }

  /** {@link Scoped} for a white-box backend: its tokenizer and hidden states stay reachable (the remaining-length head, probes). */
  record ScopedWhiteBox(WhiteBoxBackend delegate) implements WhiteBoxBackend {
    @Override public String name() { return delegate.name(); }
    @Override public Set<Capability> capabilities() { return delegate.capabilities(); }

    @Override
    public List<Generation> generate(GenerationRequest request, TokenListener listener) {
      return generateFor(delegate, request, listener);
    }

    @Override public int[] encode(String text) { return delegate.encode(text); }
    @Override public String decode(int[] ids) { return delegate.decode(ids); }
    @Override public int layers() { return delegate.layers(); }
    @Override public int hiddenSize() { return delegate.hiddenSize(); }

    @Override
    public float[][] hiddenStates(String text, int layer, int[] positions) {
      if (gone()) throw new BackendException("the client went away", false);
      return delegate.hiddenStates(text, layer, positions);
    }

    @Override
    public void close() {
      // The delegate is the context's bean: Micronaut closes it.
    }
  }
}

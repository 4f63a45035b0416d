package dev.bursar.controller;

/**
 * Receives one {@link RunRecord} per request once it is done (step 6 of a request): a trace log,
 * a metrics exporter, a test. Called on the request's thread after the outcome is known; must not
 * block for long. A sink that throws is guarded: the failure is counted and the request's outcome
 * is returned unchanged.
 */
@FunctionalInterface
public interface TraceSink {

  void record(RunRecord record);

  /** {@return the sink that drops every record (the default)} */
  static TraceSink noop() {
    return NoopSink.INSTANCE;
  }
}

enum NoopSink implements TraceSink {
  INSTANCE;

  @Override public void record(RunRecord record) {}
}

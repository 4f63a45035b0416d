/**
 * Trace records: one JSON-lines format ({@link dev.bursar.trace.TraceRecord}, {@link
 * dev.bursar.trace.TraceCodec}) for the recorded sample pools, the sidecar's trace logs, the replay
 * backend and the tuner; {@link dev.bursar.trace.Pool} reads a pool file.
 */
@NullMarked
package dev.bursar.trace;

import org.jspecify.annotations.NullMarked;

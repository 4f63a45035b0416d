/**
 * bursar's public API: the controller, its values and the SPIs it runs on.
 *
 * <p>Everything a caller needs is in this one package (as in Caffeine): {@link Request},
 * {@link Budget}, {@link Mode}, {@link Plan}, {@link Outcome}, the {@link Backend} SPI, the
 * stopping rules of self-consistency ({@link StoppingRule}), answer extraction
 * ({@link Answers}), voting ({@link Tally}) and the trace record ({@link TraceRecord}).
 */
@NullMarked
package dev.bursar.controller;

import org.jspecify.annotations.NullMarked;

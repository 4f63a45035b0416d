/**
 * {@code bursar serve}: the Micronaut sidecar with an OpenAI-compatible API in front of a
 * {@link dev.bursar.controller.ComputeController}.
 */
@NullMarked
package dev.bursar.sidecar.serve;

import org.jspecify.annotations.NullMarked;

/** The sidecar: the OpenAI-compatible Micronaut server in front of a {@code ComputeController}. */
@NullMarked
package dev.bursar.sidecar;

import org.jspecify.annotations.NullMarked;

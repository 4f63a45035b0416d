/** Telemetry attribute keys. */
@NullMarked
package dev.bursar.controller.telemetry;

import org.jspecify.annotations.NullMarked;

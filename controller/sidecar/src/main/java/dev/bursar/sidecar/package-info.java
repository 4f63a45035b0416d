/** The sidecar service and the {@code bursar} command line. */
@NullMarked
package dev.bursar.sidecar;

import org.jspecify.annotations.NullMarked;

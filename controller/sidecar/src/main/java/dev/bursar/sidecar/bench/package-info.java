/** {@code bursar bench sidecar}: the sidecar's own latency overhead in front of a fast upstream. */
@NullMarked
package dev.bursar.sidecar.bench;

import org.jspecify.annotations.NullMarked;

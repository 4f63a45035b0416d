/** Benchmarks: the replay benchmark on recorded pools, the live benchmark on the embedded model, JMH. */
@NullMarked
package dev.bursar.bench;

import org.jspecify.annotations.NullMarked;

/**
 * The replay benchmark: self-consistency policies replayed on recorded sample pools, reported as
 * accuracy against tokens on a held-out test half of each pool.
 */
@NullMarked
package dev.bursar.bench.replay;

import org.jspecify.annotations.NullMarked;

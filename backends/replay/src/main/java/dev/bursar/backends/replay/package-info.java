/**
 * The replay backend: serves recorded samples (the shared sample pools, or bursar's own trace
 * logs, which use the same record layout) deterministically, so policies can be evaluated without
 * calling a model.
 */
@NullMarked
package dev.bursar.backends.replay;

import org.jspecify.annotations.NullMarked;

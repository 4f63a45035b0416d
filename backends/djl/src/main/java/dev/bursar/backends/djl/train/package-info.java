/** Training and evaluation of the embedded arithmetic model. */
@NullMarked
package dev.bursar.backends.djl.train;

import org.jspecify.annotations.NullMarked;

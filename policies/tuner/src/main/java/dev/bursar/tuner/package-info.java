/**
 * The tuner: fits bursar's estimators and policies on recorded pools or trace logs with Smile, and
 * exports them as a {@link dev.bursar.policies.PolicyFile} that the runtime scores in plain Java.
 * The only module that may depend on Smile (GPL-3.0 / commercial).
 */
@NullMarked
package dev.bursar.tuner;

import org.jspecify.annotations.NullMarked;

/** The built-in policies: the fixed presets the sidecar serves ({@link dev.bursar.policies.Policies}). */
@NullMarked
package dev.bursar.policies;

import org.jspecify.annotations.NullMarked;

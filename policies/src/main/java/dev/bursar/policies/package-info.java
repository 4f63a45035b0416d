/**
 * The built-in policies: the fixed presets the sidecar serves ({@link dev.bursar.policies.Policies}),
 * the fitted ones a policy file holds ({@link dev.bursar.policies.ComputeOptimalPolicy},
 * {@link dev.bursar.policies.ThresholdPolicy}), and the decorators that make FAST's budget forcing
 * length-aware under a binding budget ({@link dev.bursar.policies.RemainingLengthPolicy},
 * {@link dev.bursar.policies.LengthForecastPolicy}).
 */
@NullMarked
package dev.bursar.policies;

import org.jspecify.annotations.NullMarked;

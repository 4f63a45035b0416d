/**
 * bursar's public API: the controller, its values and the SPIs it runs on. The whole public
 * surface of {@code bursar-controller} is this package plus {@code .telemetry}; everything else is
 * package-private.
 *
 * <ul>
 *   <li><b>The controller:</b> {@link ComputeController} (and its builder), {@link Request} (with
 *       its {@link Request.Hints}), {@link Budget}, {@link Outcome}, {@link Spend},
 *       {@link ExitReason}, {@link Ticker}.
 *   <li><b>The decision seam:</b> {@link Features}, {@link Estimator}, {@link Estimate},
 *       {@link Policy}, {@link Plan}, {@link Mode}, {@link Sampling}, {@link TraceSink},
 *       {@link RunRecord}.
 *   <li><b>The rules a plan is made of:</b> {@link StoppingRule} and {@link StoppingRules} (with the
 *       vote {@link Tally} they read), {@link TracePruning}, {@link ThinkingExit}, {@link Verifier}
 *       and {@link Verifiers} (with {@link LinearProbe}), {@link Signal}, {@link ReasoningFormat}.
 *   <li><b>Answers:</b> {@link Answers}, the one way answers are read and normalised into votes.
 *   <li><b>The backend SPI:</b> {@link Backend}, {@link WhiteBoxBackend}, {@link Capability},
 *       {@link GenerationRequest}, {@link Generation}, {@link FinishReason}, {@link TokenListener},
 *       {@link BackendException}, and {@link SampleVerifier}, a judge of whole samples (a reward model).
 * </ul>
 */
@NullMarked
package dev.bursar.controller;

import org.jspecify.annotations.NullMarked;

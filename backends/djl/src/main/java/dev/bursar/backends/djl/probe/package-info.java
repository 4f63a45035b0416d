/**
 * A process reward probe for the embedded model: {@link dev.bursar.backends.djl.probe.PrmProbeTrainer}
 * samples the model's own rollouts on the arithmetic task, labels every step exactly with the
 * task's {@link dev.bursar.arithmetic.StepChecker}, reads the hidden state at each step's
 * delimiter and fits a {@link dev.bursar.controller.LinearProbe} for the controller's {@link
 * dev.bursar.controller.Verifiers#hiddenStateProbe(dev.bursar.controller.LinearProbe)};
 * {@link dev.bursar.backends.djl.probe.EmbeddedProbe} loads the committed one.
 */
@NullMarked
package dev.bursar.backends.djl.probe;

import org.jspecify.annotations.NullMarked;

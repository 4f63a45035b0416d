package dev.bursar.controller;

import java.util.EnumSet;
import java.util.Set;

/**
 * A signal a rule consumes. Each rule declares what it needs, and the controller refuses at build
 * time a plan whose rules the backend cannot feed.
 */
public enum Signal {
  /** Final answers extracted from finished samples: every backend provides them. */
  ANSWERS,
  /** Token log-probabilities. */
  LOGPROBS,
  /** Top-k log-probabilities per token. */
  TOP_LOGPROBS,
  /** Hidden states at chosen positions. */
  HIDDEN_STATES,
  /** Mid-generation cancellation of a sequence. */
  CANCELLATION,
  /** Step-wise generation from a given prefix. */
  STEPS;

  /** {@return the signals that a backend with these capabilities can feed} */
  public static Set<Signal> availableFrom(Set<Capability> capabilities) {
    Set<Signal> out = EnumSet.of(ANSWERS);
    if (capabilities.contains(Capability.LOGPROBS)) out.add(LOGPROBS);
    if (capabilities.contains(Capability.TOP_LOGPROBS)) out.add(TOP_LOGPROBS);
    if (capabilities.contains(Capability.HIDDEN_STATES)) out.add(HIDDEN_STATES);
    if (capabilities.contains(Capability.CANCELLATION)) out.add(CANCELLATION);
    if (capabilities.contains(Capability.STEPWISE)) out.add(STEPS);
    return out;
  }
}

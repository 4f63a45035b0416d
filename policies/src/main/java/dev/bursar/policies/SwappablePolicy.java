package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.Features;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fitted policy file that can be replaced while requests run: {@link #estimator()} and
 * {@link #policy()} read the current file on every call, and {@link #swap} replaces it atomically,
 * so a request in flight finishes with the file it started deciding with and no request is dropped.
 * Only a file that loaded and validated is ever swapped in (a {@link PolicyFile} cannot exist
 * otherwise), so a bad file never replaces a good one.
 */
public final class SwappablePolicy {
  /** A file and the policy built from it once (building one may solve a stopping table: not per request). */
  private record Loaded(PolicyFile file, Policy policy) {
    Loaded(PolicyFile file) {
      this(file, file.policy());
    }
  }

  private final AtomicReference<Loaded> current;
  private final Estimator estimator = new Estimator() {
    @Override
    public Estimate estimate(Request request, Features features) {
      return current.get().file().estimator().estimate(request, features);
    }

    @Override
    public String description() {
      return current.get().file().estimator().description();
    }
  };
  private final Policy policy = new Policy() {
    @Override
    public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
      return current.get().policy().decide(request, estimate, budget, capabilities);
    }

    @Override
    public String description() {
      return current.get().policy().description();
    }
  };

  public SwappablePolicy(PolicyFile initial) {
    current = new AtomicReference<>(new Loaded(Objects.requireNonNull(initial, "initial")));
  }

  /** {@return the estimator of whichever file is current} */
  public Estimator estimator() {
    return estimator;
  }

  /** {@return the policy of whichever file is current} */
  public Policy policy() {
    return policy;
  }

  public PolicyFile current() {
    return current.get().file();
  }

  /** Replaces the current file; requests already deciding keep the one they read. */
  public void swap(PolicyFile next) {
    current.set(new Loaded(Objects.requireNonNull(next, "next")));
  }
}

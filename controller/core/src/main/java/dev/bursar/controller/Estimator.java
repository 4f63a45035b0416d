package dev.bursar.controller;

/**
 * Predicts how hard a query is and how long its samples will run, before any compute is spent
 * (step 2 of a request). Implementations score fitted parameters in plain Java; they must be fast,
 * thread-safe and free of I/O. One that throws or runs past the controller's decision timeout is
 * guarded: the request runs the fallback plan and the fallback is counted.
 */
@FunctionalInterface
public interface Estimator {

  /** {@return what is known about {@code request} from its {@code features}} */
  Estimate estimate(Request request, Features features);

  /** {@return a readable description for traces and logs} */
  default String description() {
    return getClass().getSimpleName();
  }

  /** {@return the estimator that knows nothing: {@link Estimate#UNKNOWN}} */
  static Estimator none() {
    return NoEstimator.INSTANCE;
  }
}

enum NoEstimator implements Estimator {
  INSTANCE;

  @Override public Estimate estimate(Request request, Features features) { return Estimate.UNKNOWN; }
  @Override public String description() { return "none"; }
}

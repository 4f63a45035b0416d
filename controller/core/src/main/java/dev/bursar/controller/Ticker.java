package dev.bursar.controller;

/** A source of nanosecond time, injectable so tests can drive deadlines (as in Caffeine). */
@FunctionalInterface
public interface Ticker {
  long read();

  static Ticker system() {
    return System::nanoTime;
  }
}

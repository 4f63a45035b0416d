package dev.bursar.controller;

/** Why a sequence ended. */
public enum FinishReason {
  /** The model emitted its end-of-sequence token. */
  EOS,
  /** A stop sequence was produced. */
  STOP,
  /** The per-sequence token cap was reached. */
  LENGTH,
  /** A {@link TokenListener} cancelled it. */
  CANCELLED,
  /** Served from a record (replay): how the original ended is unknown. */
  RECORDED
}

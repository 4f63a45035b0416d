package dev.bursar.controller;

import java.util.List;

/**
 * How a model writes its reasoning, so the controller can split it into steps, force an answer and
 * read it back without knowing the model.
 *
 * @param thinkOpen marker that opens the thinking segment (e.g. {@code <think>})
 * @param thinkClose marker that closes it
 * @param answerMarker marker that introduces the final answer (e.g. {@code A:})
 * @param stepDelimiter the text that ends one reasoning step (e.g. a newline)
 * @param answerEnd stop sequences that end the answer line
 */
public record ReasoningFormat(String thinkOpen, String thinkClose, String answerMarker, String stepDelimiter,
    List<String> answerEnd) {

  /** {@code <think>step\nstep\n</think>A:answer\n}: the embedded model's format. */
  public static final ReasoningFormat THINK_TAGS = new ReasoningFormat("<think>", "</think>", "A:", "\n", List.of("\n"));

  public ReasoningFormat {
    if (thinkClose.isEmpty()) throw new IllegalArgumentException("thinkClose must not be empty");
    if (answerMarker.isEmpty()) throw new IllegalArgumentException("answerMarker must not be empty");
    if (stepDelimiter.isEmpty()) throw new IllegalArgumentException("stepDelimiter must not be empty");
    answerEnd = List.copyOf(answerEnd);
  }

  /** {@return the text appended to a partial thinking to force the answer right away} */
  public String forceSuffix() {
    return thinkClose + answerMarker;
  }

  /**
   * {@return whether {@code text} holds a whole answer: the answer marker, something after it, and
   * one of the stop sequences that end the answer line} Used to count a sample's vote while others
   * of its wave are still generating.
   */
  public boolean answerComplete(String text) {
    int i = text.lastIndexOf(answerMarker);
    if (i < 0) return false;
    String rest = text.substring(i + answerMarker.length());
    for (String end : answerEnd) {
      int j = rest.indexOf(end);
      if (j > 0 && !rest.substring(0, j).isBlank()) return true;
    }
    return false;
  }

  /** {@return whether the text has finished its thinking} */
  public boolean thinkingClosed(String text) {
    return text.contains(thinkClose) || text.contains(answerMarker);
  }
}

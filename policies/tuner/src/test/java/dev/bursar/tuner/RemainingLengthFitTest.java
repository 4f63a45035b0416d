package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.ReasoningFormat;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RemainingLengthFitTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String PROMPT = "Q:1\n";

  /** Chains of 1 to 8 steps of 3 characters; a character is a token. */
  private static List<RemainingLengthFit.Chain> chains() {
    List<RemainingLengthFit.Chain> out = new ArrayList<>();
    for (int q = 0; q < 60; q++) {
      int steps = 1 + q % 8;
      out.add(new RemainingLengthFit.Chain(q, PROMPT, "<think>" + "ab\n".repeat(steps) + "</think>A:1\n"));
    }
    out.add(new RemainingLengthFit.Chain(99, PROMPT, "<think>ab\nab\nab")); // never closed: left out
    return out;
  }

  /** Layer 1 is noise; layer 2's first value is the thinking still to come after the position, its second noise. */
  private static float[][] hidden(String text, int layer, int[] positions) {
    var noise = new Random(text.hashCode() * 31L + layer);
    int closeEnd = text.indexOf("</think>") + "</think>".length();
    float[][] h = new float[positions.length][2];
    for (int i = 0; i < positions.length; i++) {
      int remaining = closeEnd - (positions[i] + 1);
      h[i][0] = layer == 2 ? (float) Math.log1p(remaining) : (float) noise.nextGaussian();
      h[i][1] = (float) noise.nextGaussian();
    }
    return h;
  }

  @Test
  void picksTheLayerThatKnowsTheRemainingLengthAndBeatsAConstant() {
    var r = RemainingLengthFit.fit(chains(), ReasoningFormat.THINK_TAGS, String::length, RemainingLengthFitTest::hidden, 2, QUIET);
    assertThat(r.head().layer()).isEqualTo(2);
    assertThat(r.chains()).isEqualTo(60);
    assertThat(r.rows()).isEqualTo(7 * 36 + 1 + 2 + 3 + 4); // a step end per step: 1..8 steps, seven times, then 1..4
    assertThat(r.headMae()).isLessThan(0.5).isLessThan(r.constantMae() / 10);
    // after the first of five steps: four steps (12 tokens) and the close (8) to come
    String text = "<think>" + "ab\n".repeat(5) + "</think>A:1\n";
    int pos = (PROMPT + "<think>ab\n").length() - 1;
    double remaining = Math.expm1(r.head().linear(hidden(PROMPT + text, 2, new int[] {pos})[0]));
    assertThat(remaining).isBetween(19.0, 21.0);
  }

  @Test
  void tooFewClosedChainsIsAClearError() {
    var few = List.of(new RemainingLengthFit.Chain(0, PROMPT, "<think>ab\n</think>A:1\n"));
    assertThatThrownBy(() -> RemainingLengthFit.fit(few, ReasoningFormat.THINK_TAGS, String::length, RemainingLengthFitTest::hidden, 2, QUIET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step ends in closed chains");
  }
}

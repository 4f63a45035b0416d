package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.StepCheck.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

final class StepEventsTest {
  private static final Problem P = ArithmeticTask.solve("17+25*3*2-4"); // 25*3=75, 75*2=150, 17+150=167, 167-4=163

  @Test
  void correctRollout_everyStepAndTheAnswerArePositive() {
    String c = P.completion();
    List<StepEvents.Event> ev = StepEvents.of(P, c);
    assertThat(ev).hasSize(5);
    assertThat(ev).allMatch(StepEvents.Event::correct);
    assertThat(ev.getLast().kind()).isEqualTo(StepEvents.Kind.ANSWER);
    assertThat(ev.getLast().line()).isEqualTo("163");
    for (StepEvents.Event e : ev) assertThat(c.charAt(e.end() - 1)).isEqualTo('\n');
    assertThat(c.substring(0, ev.getFirst().end())).isEqualTo("<think>25*3=75;17+75*2-4\n");
  }

  @Test
  void scriptedRollout_labelsStopAtTheFirstWrongStep() {
    String c = "<think>25*3=75;17+75*2-4\n"
        + "75*2=140;17+140-4\n" // arithmetic error
        + "17+140=157;157-4\n" // locally valid, but the chain is already off track
        + "157-4=153\n"
        + "</think>A:153\n<eos>";
    List<StepEvents.Event> ev = StepEvents.of(P, c);
    assertThat(ev).extracting(StepEvents.Event::correct).containsExactly(true, false, false, false, false);
    assertThat(ev).extracting(StepEvents.Event::verdict)
        .containsExactly(Verdict.VALID, Verdict.ARITHMETIC_ERROR, Verdict.VALID, Verdict.VALID, null);
    assertThat(c.substring(0, ev.get(1).end())).endsWith("75*2=140;17+140-4\n");
  }

  @Test
  void rightStepsButWrongAnswer_andNonCanonicalOrder() {
    Problem q = ArithmeticTask.solve("(1+2)*(3+4)");
    String c = "<think>3+4=7;(1+2)*7\n1+2=3;3*7\n3*7=21\n</think>A:22\n";
    List<StepEvents.Event> ev = StepEvents.of(q, c);
    assertThat(ev).extracting(StepEvents.Event::correct).containsExactly(true, true, true, false);
  }

  @Test
  void unfinishedRollout_hasNoEventForTheCutLine_norAnAnswer() {
    String c = "<think>25*3=75;17+75*2-4\n75*2=15";
    List<StepEvents.Event> ev = StepEvents.of(P, c);
    assertThat(ev).hasSize(1);
    assertThat(ev.getFirst().kind()).isEqualTo(StepEvents.Kind.STEP);
    assertThat(StepEvents.of(P, "<think>")).isEmpty();
    assertThat(StepEvents.of(P, "garbage\n")).singleElement()
        .satisfies(e -> assertThat(e.verdict()).isEqualTo(Verdict.MALFORMED));
  }
}

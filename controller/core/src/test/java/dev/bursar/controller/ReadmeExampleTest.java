package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedding example of the README, compiled and run against a scripted backend. */
final class ReadmeExampleTest {

  @Test
  void readmeExample_runsAsWritten() {
    Backend backend = FakeBackend.of((prompt, i) -> "<think>25*3=75;17+75\n17+75=92\n</think>A:92\n");
    List<RunRecord> log = new ArrayList<>();
    // --- README example starts
    var controller = ComputeController.builder()
        .backend(backend)
        .policy(Policy.fixed(Plan.selfConsistency(new Mode.SelfConsistency(16, StoppingRules.beta(0.95)), 160)))
        .fallback(Plan.fast(160))              // runs if an estimator or policy throws or hangs
        .budget(Budget.ofTokens(2_048).withDeadline(Duration.ofSeconds(20)))
        .traceSink(log::add)                    // one RunRecord per request
        .build();
    var request = Request.of("Q:17+25*3\n").withHints(Request.Hints.NONE.withMaxSamples(8));
    String printed = switch (controller.run(request)) {
      case Outcome.Answered a -> a.answer() + " after " + a.spend().samples() + " samples, " + a.spend().outputTokens() + " tokens";
      case Outcome.Abstained a -> "no answer: " + a.reason();
      case Outcome.Failed f -> "failed: " + f.error();
    };
    // --- README example ends
    assertThat(printed).isEqualTo("92 after 4 samples, 172 tokens");
    assertThat(log).singleElement().satisfies(r -> assertThat(r.plan().describe()).isEqualTo("SELF_CONSISTENCY(8, ac-beta 0.95)"));
  }
}

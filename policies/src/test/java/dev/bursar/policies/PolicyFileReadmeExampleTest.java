package dev.bursar.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.FakeBackend;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "fitted policy in the library" example, compiled and run. */
final class PolicyFileReadmeExampleTest {

  @Test
  void aFittedPolicyFileDrivesTheController(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.json");
    new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, LearnedPoliciesTest.estimator(), LearnedPoliciesTest.model(), 1e-4, 0, 8, 2, 160, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance())
        .write(file);
    Backend backend = FakeBackend.of((prompt, i) -> "<think>25*3=75;17+75\n75+17=92\n</think>A:92\n");

    // README: begin
    PolicyFile fitted = PolicyFile.load(file);        // written by ./bursar tune
    var controller = ComputeController.builder()
        .backend(backend)
        .estimator(fitted.estimator())                // P(one sample is right) and the Gamma length, from the text
        .policy(fitted.policy())                      // self-consistency that stops when another sample no longer pays
        .fallback(Plan.fast(160))
        .build();
    var outcome = controller.run(Request.of("Q:17+25*3\n"));
    // README: end

    var a = (Outcome.Answered) outcome;
    assertThat(a.answer()).isEqualTo("92");
    assertThat(a.spend().samples()).isBetween(1, 8);
    assertThat(a.confidence()).isBetween(0.0, 1.0); // P(the answer is right) from the fitted stop model
    assertThat(controller.fallbacks()).isZero();
  }
}

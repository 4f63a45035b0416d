package dev.bursar.bench.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.policies.ComputeOptimalPolicy;
import dev.bursar.policies.PolicyFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench live}'s fit on the real embedded model: a pool per temperature, and a policy that says the one it samples at. */
final class LivePolicyFitTest {
  @Test
  void samplesAPoolAtEachTemperature_andThePolicyFileSaysTheOneChosen(@TempDir Path out) throws Exception {
    Assumptions.assumeTrue(EmbeddedModel.available(), "embedded model weights are not committed yet: skipping");
    var progress = new ByteArrayOutputStream();
    try (DjlBackend backend = DjlBackend.builder().embeddedModel().build()) {
      var training = ProblemSet.fixed(7, 2).problems();
      var fitted = LivePolicyFit.fit(backend, training, false, 0.8, List.of(0.4), true, false, out, new PrintStream(progress, true, StandardCharsets.UTF_8));
      assertThat(Files.readAllLines(out.resolve("tune-pool.jsonl"))).hasSize(training.size());
      assertThat(Files.readAllLines(out.resolve("tune-pool-t0.40.jsonl"))).hasSize(training.size());
      var file = PolicyFile.load(out.resolve("policy.json"));
      assertThat(file.temperature()).isIn(0.4, 0.8);
      assertThat(file.operatingPoint().path("temperatures")).hasSize(2);
      var bursar = fitted.methods().stream().filter(m -> m.family().equals("bursar")).findFirst().orElseThrow();
      assertThat(((ComputeOptimalPolicy) bursar.policy()).temperature()).isEqualTo(file.temperature());
      assertThat(bursar.name()).contains("T = " + file.temperature());
      assertThat(progress.toString(StandardCharsets.UTF_8)).contains("fitting pool at T = 0.40", "chosen");
    }
  }
}

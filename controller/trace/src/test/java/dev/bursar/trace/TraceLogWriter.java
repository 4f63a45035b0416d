package dev.bursar.trace;

import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.FakeBackend;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import java.nio.file.Path;

/** The child process of the kill -9 test: logs requests as fast as it can until it is killed. */
public final class TraceLogWriter {
  private TraceLogWriter() {}

  public static void main(String[] args) {
    var backend = FakeBackend.of((prompt, i) -> "<think>" + "1+2=3;".repeat(20) + "\n</think>A:3\n");
    try (var log = TraceLog.open(Path.of(args[0]), "fake")) {
      var controller = ComputeController.builder().backend(backend)
          .plan(Plan.selfConsistency(new Mode.SelfConsistency(4, 4, StoppingRules.never(), null, false), 256))
          .budget(Budget.ofTokens(10_000)).traceSink(log).build();
      for (long i = 0; ; i++) controller.run(Request.of("Q:" + i + "+2\n"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

package dev.bursar.backends.replay;

import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendContractTest;
import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The replay backend keeps the backend contract: recorded samples, capped, in a seeded order. */
final class ReplayBackendContractTest extends BackendContractTest {
  private static final Pool POOL = pool();

  /** One question, 40 recorded samples of 6 to 45 tokens: all longer than the contract's short cap. */
  private static Pool pool() {
    List<TraceRecord.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String a = String.valueOf(90 + i % 3);
      samples.add(new TraceRecord.Sample("<think>...</think>A:" + a, a, a.equals("92"), 6 + i, null, null, null));
    }
    var r = new TraceRecord(1, "contract", 0, "Q:17+25*3\n", "92", "recorded", "arithmetic", samples, null, Map.of(), null);
    return new Pool("contract", Path.of("contract.jsonl"), List.of(r));
  }

  @Override
  protected Backend newBackend() {
    return new ReplayBackend(List.of(POOL), SampleOrder.RANDOM, 7);
  }

  @Override
  protected Map<String, String> metadata() {
    return Map.of("qid", "0");
  }
}

package dev.bursar.backends.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.TrainingExamples;
import dev.bursar.arithmetic.Vocabulary;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.TextCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few steps of training on a tiny model: the loss falls, the checkpoint is written, a second run continues it. */
final class TrainerTest {

  private static Trainer.Settings tiny(int steps) {
    LlamaConfig c = new LlamaConfig(32, 64, 2, 2, 1, Vocabulary.SIZE, 1e-5, 10_000, 256, true, "llama", Vocabulary.EOS_ID);
    return Trainer.Settings.DEFAULT.withModel(c).withSteps(steps).withBatchSize(8).withLogEvery(10)
        .withMaxDuration(Duration.ofMinutes(5))
        .withMix(new TrainingExamples.Mix(Map.of(Bucket.EASY, 1.0), 0.3).withTypedFraction(0.3));
  }

  @Test
  void lossFalls_andASecondRunStartsFromTheFirstsWeights(@TempDir Path tmp) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    Trainer.Result first = Trainer.train(tiny(60), tmp.resolve("a"), out);
    assertThat(first.steps()).isEqualTo(60);
    assertThat(first.finalLoss()).isFinite().isLessThan(3.1); // ln 27 = 3.30 at the start
    for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
      assertThat(Files.exists(tmp.resolve("a").resolve(f))).isTrue();
    }
    Trainer.Result second = Trainer.train(tiny(20).withLearningRate(1e-3f), tmp.resolve("a"), tmp.resolve("b"), out);
    // started from trained weights, the second run's loss is already near where the first ended
    assertThat(second.finalLoss()).isFinite().isLessThan(first.finalLoss() + 0.3);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("starting from the weights of").doesNotContain("skipped");
  }

  @Test
  void aForcedExamplesProbeSuffixCarriesNoLoss_everythingElseAfterThePromptDoes(@TempDir Path tmp) throws Exception {
    Vocabulary.writeTokenizerJson(tmp.resolve("tokenizer.json"));
    try (TextCodec codec = TextCodec.load(tmp.resolve("tokenizer.json"))) {
      int close = codec.encode(ArithmeticTask.THINK_CLOSE, false)[0];
      for (double forced : new double[] {0.0, 1.0}) {
        var data = TrainingExamples.create(7, new TrainingExamples.Mix(Map.of(Bucket.MEDIUM, 1.0), forced).withTypedFraction(0.5));
        var batches = Trainer.Batch.pool(data, codec, 4, 4, new java.util.Random(1));
        int closesLearned = 0;
        int closes = 0;
        for (Trainer.Batch b : batches) {
          for (int i = 0; i < b.targets.length; i++) {
            if (b.targets[i] == close) {
              closes++;
              if (b.mask[i] == 1) closesLearned++;
            }
          }
          // answer digits and the end of sequence are still learned on forced examples
          assertThat(b.lossTokens).isGreaterThan(b.rows * 3);
        }
        assertThat(closes).isEqualTo(16);
        // full examples learn to close their thinking; forced ones never do
        assertThat(closesLearned).isEqualTo(forced == 0.0 ? 16 : 0);
      }
    }
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRefused(@TempDir Path tmp) {
    Trainer.train(tiny(1), tmp.resolve("a"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    LlamaConfig wider = new LlamaConfig(48, 64, 2, 2, 1, Vocabulary.SIZE, 1e-5, 10_000, 256, true, "llama", Vocabulary.EOS_ID);
    assertThatThrownBy(() -> Trainer.train(tiny(1).withModel(wider), tmp.resolve("a"), tmp.resolve("b"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another architecture");
  }
}

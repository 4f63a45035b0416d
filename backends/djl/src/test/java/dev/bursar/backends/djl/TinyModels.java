package dev.bursar.backends.djl;

import ai.djl.Device;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.arithmetic.Vocabulary;
import java.nio.file.Path;

/** Tiny randomly initialised checkpoints in the common layout, for fast tests. */
public final class TinyModels {
  private TinyModels() {}

  /** 2 layers, width 32, 4 query heads over 2 KV heads, the task's 27-token vocabulary. */
  public static LlamaConfig config(boolean tied) {
    return new LlamaConfig(32, 64, 2, 4, 2, Vocabulary.SIZE, 1e-5, 10_000, 512, tied, "llama", Vocabulary.EOS_ID);
  }

  /** Writes config.json, model.safetensors and tokenizer.json of a random model into {@code dir}. */
  public static Path write(Path dir, LlamaConfig config, long seed) {
    config.write(dir.resolve("config.json"));
    try (LlamaModel m = LlamaModel.random(config, seed, Device.cpu())) {
      m.save(dir.resolve("model.safetensors"));
    }
    Vocabulary.writeTokenizerJson(dir.resolve("tokenizer.json"));
    return dir;
  }
}

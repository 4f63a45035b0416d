package dev.bursar.backends.djl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default model that ships inside this jar: a small Llama-family decoder trained by
 * {@code bursar train-model} on multi-step arithmetic with a thinking segment. Its files
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code MODEL_CARD.md})
 * are classpath resources; {@link #directory()} copies them once to a temporary directory because
 * the tokenizer binding reads files.
 */
public final class EmbeddedModel {
  /** Classpath folder of the embedded checkpoint. */
  public static final String RESOURCE_DIR = "/dev/bursar/backends/djl/embedded/";

  /** The files of a checkpoint in the common layout. */
  public static final String[] FILES = {"config.json", "model.safetensors", "tokenizer.json"};

  private static volatile Path extracted;

  private EmbeddedModel() {}

  /** {@return whether the weights are on the classpath} */
  public static boolean available() {
    for (String f : FILES) {
      if (EmbeddedModel.class.getResource(RESOURCE_DIR + f) == null) return false;
    }
    return true;
  }

  /**
   * {@return a directory holding the embedded checkpoint, extracted on first use}
   *
   * @throws IllegalStateException when the weights are not on the classpath
   */
  public static Path directory() {
    Path dir = extracted;
    if (dir != null) return dir;
    synchronized (EmbeddedModel.class) {
      if (extracted != null) return extracted;
      try {
        dir = Files.createTempDirectory("bursar-embedded-model");
        // Deleted at exit in the reverse order of registration: the directory last, once it is empty.
        dir.toFile().deleteOnExit();
        for (String f : FILES) dir.resolve(f).toFile().deleteOnExit();
        extractTo(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the embedded model", e);
      }
      extracted = dir;
      return dir;
    }
  }

  /** Copies the embedded checkpoint files into {@code dir}. */
  public static void extractTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : FILES) {
      try (InputStream in = EmbeddedModel.class.getResourceAsStream(RESOURCE_DIR + f)) {
        if (in == null) {
          throw new IllegalStateException("the embedded model is missing " + RESOURCE_DIR + f
              + "; train it with `bursar train-model --out DIR` and copy DIR into backends/djl/src/main/resources" + RESOURCE_DIR);
        }
        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}

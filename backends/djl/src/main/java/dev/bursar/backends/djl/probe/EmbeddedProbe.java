package dev.bursar.backends.djl.probe;

import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.controller.LinearProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The process reward probe that ships with the embedded model ({@code prm-probe.properties} next to
 * its weights; how it was trained is in {@code PRM_PROBE.md} there). Use it with {@code
 * Verifiers.hiddenStateProbe(EmbeddedProbe.load())} on a backend built with {@code
 * DjlBackend.builder().embeddedModel()}; it fits no other model.
 */
public final class EmbeddedProbe {
  /** Classpath location of the probe. */
  public static final String RESOURCE = EmbeddedModel.RESOURCE_DIR + "prm-probe.properties";

  private static volatile LinearProbe loaded;

  private EmbeddedProbe() {}

  /** {@return whether the probe is on the classpath} */
  public static boolean available() {
    return EmbeddedProbe.class.getResource(RESOURCE) != null;
  }

  /**
   * {@return the committed probe, read once}
   *
   * @throws IllegalStateException when it is not on the classpath
   */
  public static LinearProbe load() {
    LinearProbe p = loaded;
    if (p != null) return p;
    synchronized (EmbeddedProbe.class) {
      if (loaded != null) return loaded;
      try (InputStream in = open()) {
        Path tmp = Files.createTempFile("bursar-prm-probe", ".properties");
        try {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          p = LinearProbe.read(tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
      }
      loaded = p;
      return p;
    }
  }

  /** {@return the probe file's keys, metadata included ({@code auc}, {@code base_rate}, {@code steps}, ...)} */
  public static Properties metadata() {
    var props = new Properties();
    try (InputStream in = open()) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
    return props;
  }

  private static InputStream open() {
    InputStream in = EmbeddedProbe.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("the embedded probe " + RESOURCE + " is not on the classpath; train it with "
          + "`bursar train-probe --out backends/djl/src/main/resources" + RESOURCE + "`");
    }
    return in;
  }
}

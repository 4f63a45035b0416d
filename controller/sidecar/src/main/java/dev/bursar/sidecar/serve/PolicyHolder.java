package dev.bursar.sidecar.serve;

import dev.bursar.policies.PolicyFile;
import dev.bursar.policies.SwappablePolicy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy file the sidecar serves ({@code --policy FILE}), watched for changes: a new file that
 * loads and validates is swapped in atomically ({@link SwappablePolicy}) without dropping a request;
 * one that does not is rejected with a log line and the {@code bursar.policy.reloads{result=rejected}}
 * metric, and the old policy stays. The file is checked once a second (by modification time and size:
 * {@code bursar tune} writes it with an atomic rename).
 */
@jakarta.inject.Singleton
final class PolicyHolder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyHolder.class);
  private static final AttributeKey<String> RESULT = AttributeKey.stringKey("result");

  private final @Nullable Path file;
  private final @Nullable SwappablePolicy policy;
  private final LongCounter reloads;
  private final @Nullable ScheduledExecutorService watcher;
  private String stamp = "";

  PolicyHolder(SidecarConfig config, OpenTelemetry otel) {
    reloads = otel.getMeter("dev.bursar.sidecar").counterBuilder("bursar.policy.reloads")
        .setDescription("Policy files seen changing: applied or rejected").build();
    if (config.policy() == null) {
      file = null;
      policy = null;
      watcher = null;
      return;
    }
    file = Path.of(config.policy()).toAbsolutePath();
    stamp = stamp(file);
    // At start there is no good policy to keep: a bad file stops the sidecar, saying which field is wrong.
    policy = new SwappablePolicy(PolicyFile.load(file));
    watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bursar-policy-watch").factory());
    watcher.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  /** {@return the served policy, when a file was given} */
  Optional<SwappablePolicy> policy() {
    return Optional.ofNullable(policy);
  }

  /** Looks at the file once: swaps in a changed valid file, rejects a changed invalid one. */
  void check() {
    if (file == null || policy == null) return;
    String now = stamp(file);
    if (now.equals(stamp)) return;
    stamp = now;
    try {
      PolicyFile next = PolicyFile.load(file);
      policy.swap(next);
      reloads.add(1, Attributes.of(RESULT, "applied"));
      LOG.info("policy {} reloaded: {}", file, next.policy().description());
    } catch (RuntimeException e) {
      reloads.add(1, Attributes.of(RESULT, "rejected"));
      LOG.warn("policy {} rejected, the previous one stays: {}", file, e.getMessage());
    }
  }

  private static String stamp(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f);
    } catch (IOException e) {
      return "missing";
    }
  }

  @PreDestroy
  @Override
  public void close() {
    if (watcher != null) watcher.shutdownNow();
  }
}

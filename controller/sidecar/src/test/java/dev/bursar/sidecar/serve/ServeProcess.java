package dev.bursar.sidecar.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * {@code bursar serve} as an OS process of its own on loopback, started from this test run's class
 * path as {@code ./bursar serve --port 0 ARGS} would start it; its URL is read from the line it
 * prints once it listens. Closing it sends SIGTERM, then kills it if it has not stopped.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("^bursar: serving (.+?) at (http://[^ ]+) ");

  private final Process process;
  private final Deque<String> output = new ArrayDeque<>();
  final String url;
  final String modelName;

  /** What the child process runs: the serve command, exactly as the CLI runs it. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }

  ServeProcess(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-cp", System.getProperty("java.class.path"), ServeProcess.class.getName(), "--port", "0"));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DJL_OFFLINE", "true");
    process = builder.start();
    var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Matcher> serving = new CompletableFuture<>();
    Thread.ofVirtual().name("serve-process-output").start(() -> {
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          synchronized (output) {
            output.addLast(line);
            if (output.size() > 40) output.removeFirst();
          }
          Matcher m = SERVING.matcher(line);
          if (m.find()) serving.complete(m);
        }
      } catch (IOException e) {
        // the process is gone; the wait below says so
      }
      serving.completeExceptionally(new IllegalStateException("the serve process ended before it listened"));
    });
    try {
      Matcher m = serving.get(120, TimeUnit.SECONDS);
      modelName = m.group(1).replaceFirst(" \\(.*\\)$", "");
      url = m.group(2);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      close();
      throw new AssertionError("bursar serve did not start: " + e.getMessage() + "; its output:\n" + output(), e);
    }
  }

  /** {@return the last lines the process wrote} */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Waits up to {@code seconds} for a line of the output that contains {@code text}. */
  boolean printed(String text, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (output().contains(text)) return true;
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * Sends SIGTERM and returns at once. Through the process handle: {@code Process.destroy} would also
   * close our end of its output, and what it prints while it stops would be lost.
   */
  void terminate() {
    process.toHandle().destroy();
  }

  /** {@return whether the process ended within {@code seconds}} */
  boolean ended(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    terminate(); // the sidecar drains and stops
    if (!ended(30)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

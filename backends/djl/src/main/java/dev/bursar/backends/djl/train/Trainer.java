package dev.bursar.backends.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.backends.djl.internal.TextCodec;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.arithmetic.TrainingExample;
import dev.bursar.arithmetic.TrainingExamples;
import dev.bursar.arithmetic.TypedQuestions;
import dev.bursar.arithmetic.Vocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Trains the embedded model on the arithmetic task: causal language-model loss on the completion
 * only (thinking + answer, including examples whose thinking is cut at a random step and the answer
 * forced right after), Adam with linear warm-up and cosine decay, all seeded. Evaluation problems
 * ({@link ProblemSet#standard()}) are kept out of the training stream.
 *
 * <p>Run: {@code bursar train-model --out DIR} (or {@code java ... Trainer DIR [steps]}).
 */
public final class Trainer {

  /**
   * Settings of a run.
   *
   * @param model architecture of the model to train
   * @param steps optimizer steps (the cosine schedule spans them)
   * @param batchSize sequences per step
   * @param learningRate peak learning rate
   * @param warmupSteps linear warm-up
   * @param maxDuration stop early (and still save) when the run takes longer
   * @param mix buckets and forced-answer fraction of the training stream
   */
  public record Settings(
      LlamaConfig model, long seed, int steps, int batchSize, float learningRate, int warmupSteps,
      Duration maxDuration, TrainingExamples.Mix mix, int logEvery) {

    public Settings {
      if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, was " + steps);
      if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
      if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
      if (warmupSteps < 0) throw new IllegalArgumentException("warmupSteps must be >= 0, was " + warmupSteps);
      if (logEvery < 1) throw new IllegalArgumentException("logEvery must be >= 1, was " + logEvery);
    }

    /** The architecture of the committed embedded model. */
    public static LlamaConfig defaultModel() {
      return new LlamaConfig(128, 384, 4, 4, 2, Vocabulary.SIZE, 1e-5, 10_000, 256, true, "llama", Vocabulary.EOS_ID);
    }

    /**
     * The recipe of the committed embedded model (see its model card): 20,000 steps or 36 minutes,
     * 60% random-order chains, operands swapped with probability 0.5, 35% typed-like problems.
     */
    public static final Settings DEFAULT = new Settings(
        defaultModel(), 20_251_124L, 20_000, 32, 3e-3f, 200, Duration.ofMinutes(36),
        TrainingExamples.Mix.DEFAULT.withRandomOrderFraction(0.6).withSwapFraction(0.5).withTypedFraction(0.35), 100);

    public Settings withSteps(int s) {
      return new Settings(model, seed, s, batchSize, learningRate, warmupSteps, maxDuration, mix, logEvery);
    }

    public Settings withSeed(long s) {
      return new Settings(model, s, steps, batchSize, learningRate, warmupSteps, maxDuration, mix, logEvery);
    }

    public Settings withMaxDuration(Duration d) {
      return new Settings(model, seed, steps, batchSize, learningRate, warmupSteps, d, mix, logEvery);
    }

    public Settings withModel(LlamaConfig m) {
      return new Settings(m, seed, steps, batchSize, learningRate, warmupSteps, maxDuration, mix, logEvery);
    }

    public Settings withBatchSize(int b) {
      return new Settings(model, seed, steps, b, learningRate, warmupSteps, maxDuration, mix, logEvery);
    }

    public Settings withMix(TrainingExamples.Mix m) {
      return new Settings(model, seed, steps, batchSize, learningRate, warmupSteps, maxDuration, m, logEvery);
    }

    public Settings withLearningRate(float lr) {
      return new Settings(model, seed, steps, batchSize, lr, warmupSteps, maxDuration, mix, logEvery);
    }

    public Settings withLogEvery(int n) {
      return new Settings(model, seed, steps, batchSize, learningRate, warmupSteps, maxDuration, mix, n);
    }
  }

  /** What a run did. */
  public record Result(int steps, long tokens, double finalLoss, Duration elapsed, Path directory) {}

  /** Questions of the typed set's evaluation seed kept out of training (covers {@code ask --typed-set 200}). */
  static final int TYPED_HELD_OUT = 200;

  private Trainer() {}

  private static LlamaModel initial(Settings s, Path init, Device device) {
    LlamaConfig c = LlamaConfig.read(init.resolve("config.json"));
    LlamaConfig m = s.model();
    boolean same = c.hiddenSize() == m.hiddenSize() && c.intermediateSize() == m.intermediateSize()
        && c.numHiddenLayers() == m.numHiddenLayers() && c.numAttentionHeads() == m.numAttentionHeads()
        && c.numKeyValueHeads() == m.numKeyValueHeads() && c.vocabSize() == m.vocabSize()
        && c.parameterCount() == m.parameterCount();
    if (!same) {
      throw new IllegalArgumentException("--init " + init + " has another architecture (" + c + ") than the one trained ("
          + s.model() + ")");
    }
    return LlamaModel.load(c, init.resolve("model.safetensors"), device);
  }

  /**
   * Trains a model and writes {@code config.json}, {@code model.safetensors} and
   * {@code tokenizer.json} into {@code out}.
   */
  public static Result train(Settings s, Path out, PrintStream log) {
    return train(s, null, out, log);
  }

  /**
   * Trains from the weights of the checkpoint {@code init} (same architecture) instead of a random
   * initialisation, when given: a second run with its own schedule continues a first.
   */
  public static Result train(Settings s, @org.jspecify.annotations.Nullable Path init, Path out, PrintStream log) {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
    Vocabulary.writeTokenizerJson(out.resolve("tokenizer.json"));
    s.model().write(out.resolve("config.json"));
    Engine.getInstance().setRandomSeed((int) s.seed());
    Device device = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    long start = System.nanoTime();
    log.printf(Locale.ROOT, "train-model: %,d parameters (hidden %d, layers %d, heads %d/%d kv, mlp %d), %d steps x %d sequences, lr %.1e, seed %d, %s%n",
        s.model().parameterCount(), s.model().hiddenSize(), s.model().numHiddenLayers(), s.model().numAttentionHeads(),
        s.model().numKeyValueHeads(), s.model().intermediateSize(), s.steps(), s.batchSize(), s.learningRate(), s.seed(), device);
    log.printf(Locale.ROOT, "train-model: mix random-order %.2f, swap %.2f, forced %.2f, typed %.2f%n",
        s.mix().randomOrderFraction(), s.mix().swapFraction(), s.mix().forcedFraction(), s.mix().typedFraction());
    if (init != null) log.printf(Locale.ROOT, "train-model: starting from the weights of %s%n", init);
    try (TextCodec codec = TextCodec.load(out.resolve("tokenizer.json"));
        LlamaModel model = init == null ? LlamaModel.random(s.model(), s.seed(), device) : initial(s, init, device)) {
      for (NDArray p : model.parameters().values()) p.setRequiresGradient(true);
      long t0 = System.nanoTime();
      // progress is the further of steps and wall time, so a run cut by the time limit still ends
      // its cosine decay; with an unbinding time limit the run is deterministic given the seed
      Tracker schedule = step -> lr(s, progress(s, step, System.nanoTime() - t0));
      Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule).optClipGrad(1.0f).build();
      // neither the buckets' evaluation problems nor the typed set of `ask --typed-set` is trained on
      Set<String> heldOut = new HashSet<>(ProblemSet.standard().expressions());
      heldOut.addAll(TypedQuestions.heldOutExpressions(TYPED_HELD_OUT));
      TrainingExamples data = TrainingExamples.create(s.seed(), s.mix(), heldOut);
      long tokens = 0;
      long windowTokens = 0;
      double windowLoss = 0;
      int windowSteps = 0;
      long windowStart = System.nanoTime();
      double lastLoss = Double.NaN;
      int step = 0;
      int skipped = 0;
      java.util.ArrayDeque<Batch> pending = new java.util.ArrayDeque<>();
      java.util.Random shuffle = new java.util.Random(s.seed() ^ 0x5DEECE66DL);
      Duration elapsed = Duration.ZERO;
      while (step < s.steps()) {
        if (pending.isEmpty()) pending.addAll(Batch.pool(data, codec, s.batchSize(), 8, shuffle));
        Batch batch = pending.removeFirst();
        double loss;
        try (NDManager scope = model.manager().newSubManager()) {
          NDArray ids = scope.create(batch.inputs, new Shape(batch.rows, batch.length));
          NDArray targets = scope.create(batch.targets, new Shape(batch.rows, batch.length));
          NDArray mask = scope.create(batch.mask, new Shape(batch.rows, batch.length));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(ids.toType(DataType.INT64, false), 0, null, 0, false).logits();
            NDArray logp = logits.logSoftmax(-1);
            NDArray picked = logp.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
            NDArray l = picked.mul(mask).sum().neg().div(batch.lossTokens);
            gc.backward(l);
            loss = l.getFloat();
          }
          // a step whose loss is not finite would poison Adam's moments and every later step: skip it
          boolean finite = Double.isFinite(loss);
          if (!finite) skipped++;
          for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
              if (finite) adam.update(e.getKey(), e.getValue(), g);
              g.set(new NDIndex("..."), 0); // PyTorch accumulates gradients; clear them (NaN-safe, unlike g - g)
            }
          }
        }
        step++;
        tokens += batch.tokens;
        windowTokens += batch.tokens;
        if (Double.isFinite(loss)) {
          windowLoss += loss;
          windowSteps++;
        }
        lastLoss = loss;
        elapsed = Duration.ofNanos(System.nanoTime() - start);
        boolean timeUp = elapsed.compareTo(s.maxDuration()) >= 0;
        if (step % s.logEvery() == 0 || step == s.steps() || timeUp) {
          double secs = (System.nanoTime() - windowStart) / 1e9;
          double perStep = elapsed.toNanos() / 1e9 / step;
          double prog = progress(s, step, elapsed.toNanos());
          long etaMs = (long) Math.min(perStep * (s.steps() - step) * 1000, s.maxDuration().minus(elapsed).toMillis());
          log.printf(Locale.ROOT, "step %5d/%d  loss %.4f  lr %.2e  %,.0f tokens/s  progress %.0f%%  elapsed %s  eta %s%n",
              step, s.steps(), windowLoss / windowSteps, lr(s, prog), windowTokens / secs, 100 * prog, fmt(elapsed),
              fmt(Duration.ofMillis(Math.max(0, etaMs))));
          if (skipped > 0) log.printf(Locale.ROOT, "train-model: %d steps skipped so far (loss not finite)%n", skipped);
          windowTokens = 0;
          windowLoss = 0;
          windowSteps = 0;
          windowStart = System.nanoTime();
        }
        if (timeUp && step < s.steps()) {
          log.printf(Locale.ROOT, "train-model: time limit %s reached at step %d; saving%n", fmt(s.maxDuration()), step);
          break;
        }
      }
      for (NDArray p : model.parameters().values()) p.setRequiresGradient(false);
      model.save(out.resolve("model.safetensors"));
      log.printf(Locale.ROOT, "train-model: wrote %s (%,d tokens in %s)%n", out, tokens, fmt(elapsed));
      return new Result(step, tokens, lastLoss, elapsed, out);
    }
  }

  /** Fraction of the run done: steps or wall time, whichever is further along. */
  static double progress(Settings s, int step, long elapsedNanos) {
    return Math.min(1.0, Math.max(step / (double) s.steps(), elapsedNanos / (double) s.maxDuration().toNanos()));
  }

  /** Linear warm-up over the first steps, then cosine decay to 5% over the progress of the run. */
  static float lr(Settings s, double progress) {
    double warm = s.warmupSteps() / (double) s.steps();
    if (progress < warm) return (float) (s.learningRate() * Math.max(progress / warm, 1.0 / s.warmupSteps()));
    progress = Math.min(1.0, (progress - warm) / Math.max(1e-9, 1 - warm));
    double floor = 0.05;
    return (float) (s.learningRate() * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
  }

  private static String fmt(Duration d) {
    long sec = d.toSeconds();
    return String.format(Locale.ROOT, "%d:%02d", sec / 60, sec % 60);
  }

  /** One padded batch: inputs are the sequence without its last token, targets shifted by one. */
  static final class Batch {
    int rows;
    int length;
    int[] inputs;
    int[] targets;
    float[] mask;
    long tokens;
    float lossTokens;

    /**
     * Draws {@code count} batches' worth of examples and groups them by length, so that short easy
     * sequences are not padded to the length of hard ones; the batch order is then shuffled.
     */
    static java.util.List<Batch> pool(TrainingExamples data, TextCodec codec, int rows, int count, java.util.Random shuffle) {
      int n = rows * count;
      int[][] seqs = new int[n][];
      Integer[] order = new Integer[n];
      int[] promptLens = new int[n];
      int[] forcedFrom = new int[n];
      int[] forcedTo = new int[n];
      for (int r = 0; r < n; r++) {
        TrainingExample ex = data.next();
        // the same tokenizer path as inference, so prompt framing can never drift from training
        int[] p = codec.encode(ex.prompt(), true);
        int at = ex.forcedAt();
        int[] c;
        if (at < 0) {
          c = codec.encode(ex.completion(), false);
          forcedFrom[r] = forcedTo[r] = -1;
        } else {
          // encoded in pieces so the probe's suffix can be left out of the loss
          int[] shown = codec.encode(ex.completion().substring(0, at), false);
          int[] suffix = codec.encode(ArithmeticTask.FORCE_ANSWER_SUFFIX, false);
          int[] answer = codec.encode(ex.completion().substring(at + ArithmeticTask.FORCE_ANSWER_SUFFIX.length()), false);
          c = concat(concat(shown, suffix), answer);
          forcedFrom[r] = p.length + shown.length;
          forcedTo[r] = forcedFrom[r] + suffix.length;
        }
        seqs[r] = concat(p, c);
        promptLens[r] = p.length;
        order[r] = r;
      }
      java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> seqs[i].length));
      java.util.List<Batch> out = new java.util.ArrayList<>();
      for (int b = 0; b < count; b++) {
        int[][] bs = new int[rows][];
        int[] bp = new int[rows];
        int[] bf = new int[rows];
        int[] bt = new int[rows];
        for (int r = 0; r < rows; r++) {
          int i = order[b * rows + r];
          bs[r] = seqs[i];
          bp[r] = promptLens[i];
          bf[r] = forcedFrom[i];
          bt[r] = forcedTo[i];
        }
        out.add(of(bs, bp, bf, bt));
      }
      java.util.Collections.shuffle(out, shuffle);
      return out;
    }

    private static int[] concat(int[] a, int[] b) {
      int[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }

    /**
     * Inputs, next-token targets and the loss mask: loss on every target after the prompt except
     * the tokens at sequence positions {@code [forcedFrom, forcedTo)} (a forced example's probe
     * suffix; -1 for none).
     */
    static Batch of(int[][] seqs, int[] promptLens, int[] forcedFrom, int[] forcedTo) {
      int rows = seqs.length;
      int max = 0;
      for (int[] sq : seqs) max = Math.max(max, sq.length - 1);
      Batch b = new Batch();
      b.rows = rows;
      b.length = max;
      b.inputs = new int[rows * max];
      b.targets = new int[rows * max];
      b.mask = new float[rows * max];
      java.util.Arrays.fill(b.inputs, Vocabulary.PAD_ID);
      java.util.Arrays.fill(b.targets, Vocabulary.PAD_ID);
      for (int r = 0; r < rows; r++) {
        int[] sq = seqs[r];
        for (int i = 0; i + 1 < sq.length; i++) {
          b.inputs[r * max + i] = sq[i];
          b.targets[r * max + i] = sq[i + 1];
          boolean forced = i + 1 >= forcedFrom[r] && i + 1 < forcedTo[r];
          if (i + 1 >= promptLens[r] && !forced) {
            b.mask[r * max + i] = 1;
            b.lossTokens++;
          }
        }
        b.tokens += sq.length - 1;
      }
      return b;
    }
  }

  /**
   * {@code Trainer OUT_DIR [steps] [minutes] [INIT_DIR] [--random-order F] [--swap F] [--typed F]}
   * (INIT_DIR: start from that checkpoint's weights): {@code
   * --random-order} sets {@link TrainingExamples.Mix#randomOrderFraction()}, {@code --swap} {@link
   * TrainingExamples.Mix#swapFraction()}, {@code --typed} {@link
   * TrainingExamples.Mix#typedFraction()} (by default those of {@link Settings#DEFAULT}, the committed
   * weights' recipe).
   */
  public static void main(String[] args) {
    java.util.List<String> pos = new java.util.ArrayList<>();
    TrainingExamples.Mix mix = Settings.DEFAULT.mix();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--random-order" -> mix = mix.withRandomOrderFraction(Double.parseDouble(args[++i]));
        case "--swap" -> mix = mix.withSwapFraction(Double.parseDouble(args[++i]));
        case "--typed" -> mix = mix.withTypedFraction(Double.parseDouble(args[++i]));
        default -> pos.add(args[i]);
      }
    }
    if (pos.isEmpty()) {
      System.err.println("usage: Trainer OUT_DIR [steps] [maxMinutes] [INIT_DIR] [--random-order F] [--swap F] [--typed F]");
      System.exit(2);
    }
    Settings s = Settings.DEFAULT.withMix(mix);
    Path init = pos.size() > 3 ? Path.of(pos.get(3)) : null;
    if (pos.size() > 1) s = s.withSteps(Integer.parseInt(pos.get(1)));
    if (pos.size() > 2) s = s.withMaxDuration(Duration.ofMinutes(Long.parseLong(pos.get(2))));
    train(s, init, Path.of(pos.get(0)), System.out);
  }
}

package dev.bursar.backends.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.bursar.backends.djl.internal.Generator;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.backends.djl.internal.PrefixCache;
import dev.bursar.backends.djl.internal.ShardedSafeTensors;
import dev.bursar.backends.djl.internal.TextCodec;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import dev.bursar.controller.WhiteBoxBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A local Llama-family decoder on DJL PyTorch: the embedded default model or a Llama or Qwen2
 * checkpoint in the Hugging Face layout ({@code config.json}, {@code model.safetensors} or shards
 * with {@code model.safetensors.index.json}, {@code tokenizer.json}; optionally
 * {@code generation_config.json} and a chat template in {@code tokenizer_config.json}). Weights
 * are held in F32 whatever their type on disk.
 *
 * {@snippet :
 * try (DjlBackend backend = DjlBackend.builder().embeddedModel().build()) {
 *   List<Generation> g = backend.generate(
 *       GenerationRequest.of(backend.prompt("17+25*3"), 8, 128, Sampling.DEFAULT), TokenListener.NONE);
 * }
 * }
 *
 * <p>Calls block; the model runs on a small pool of platform threads (JNI calls would pin virtual
 * threads), each request in its own native-memory scope. The N sequences of a request are decoded
 * as one batch from a single prefill of the prompt, and a byte-bounded prefix cache lets later
 * requests that extend an earlier prompt (probes, search steps, more samples) reuse its keys and
 * values. Log-probabilities, DeepConf confidence and entropy are of the model's own distribution;
 * confidence averages the top {@code request.topLogprobs()} log-probabilities, or the top 20 when
 * the request asks for none. A stop sequence ends a sequence right after it and stays in its text.
 * Texts keep the tokenizer's special tokens, except for a checkpoint with a chat template.
 */
public final class DjlBackend implements WhiteBoxBackend {

  /** Vocabulary size from which tokens are picked on the device by default. */
  static final int DEVICE_SAMPLING_VOCAB = 4096;

  /** Confidence width when the request does not name one (DeepConf's default). */
  public static final int DEFAULT_CONFIDENCE_K = 20;

  private static final Set<Capability> CAPABILITIES = EnumSet.of(
      Capability.LOGPROBS, Capability.TOP_LOGPROBS, Capability.HIDDEN_STATES,
      Capability.CANCELLATION, Capability.STEPWISE);

  /**
   * A generation with the signals that {@link Generation} has no field for.
   *
   * @param tokenIds the sampled ids
   * @param entropy entropy (nats) of the model's distribution at each sampled position
   */
  public record Detailed(Generation generation, int[] tokenIds, double[] entropy) {}

  /**
   * Work and cache counters since the backend was built.
   *
   * @param prefillTokens tokens run through the model to prefill prompts
   * @param decodeTokens tokens run through the model while decoding (one per live sequence per step)
   * @param tokensReused prompt tokens served from the prefix cache instead of prefilled
   */
  public record Stats(
      long requests, long prefillTokens, long decodeTokens, long cacheHits, long cacheMisses,
      long cacheEvictions, long cacheEntries, long cacheBytes, long tokensReused) {}

  private final String name;
  private final LlamaModel model;
  private final TextCodec codec;
  private final int[] eosTokens;
  private final GenerationDefaults generationDefaults;
  private final @Nullable ChatTemplate chatTemplate;
  private final boolean arithmeticVocabulary;
  private final NDManager root;
  private final @Nullable PrefixCache prefixCache;
  private final Generator generator;
  private final ExecutorService workers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DjlBackend(Builder b, LlamaModel model, TextCodec codec, GenerationDefaults defaults,
      @Nullable ChatTemplate template) {
    this.name = b.name != null ? b.name : "djl:" + Objects.requireNonNull(b.dir).getFileName();
    this.model = model;
    this.codec = codec;
    this.generationDefaults = defaults;
    this.chatTemplate = template;
    // config.json's end tokens and generation_config.json's (Llama 3.1 lists <|eot_id|> only there)
    this.eosTokens = java.util.stream.Stream.concat(model.config().eosTokenIds().stream(), defaults.eosTokenIds().stream())
        .mapToInt(Integer::intValue).distinct().toArray();
    this.arithmeticVocabulary = hasArithmeticVocabulary(model.config(), codec);
    this.root = NDManager.newBaseManager(model.device());
    this.prefixCache = b.prefixCacheBytes > 0 ? new PrefixCache(root, b.prefixCacheBytes) : null;
    this.generator = new Generator(model, root, prefixCache, b.kvCache, b.sampleOnDevice(model));
    AtomicInteger ids = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(b.workers, r -> {
      Thread t = new Thread(r, "bursar-djl-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the prompt the embedded model expects for an arithmetic expression} */
  public static String prompt(String expression) {
    return dev.bursar.arithmetic.ArithmeticTask.prompt(expression);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    List<Detailed> d = generateDetailed(request, listener);
    List<Generation> out = new ArrayList<>(d.size());
    for (Detailed x : d) out.add(x.generation());
    return out;
  }

  /** Like {@link #generate}, with token ids and entropies. */
  public List<Detailed> generateDetailed(GenerationRequest request, TokenListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    int[] prompt = encodePrompt(request.prompt());
    int k = request.topLogprobs() > 0 ? request.topLogprobs() : DEFAULT_CONFIDENCE_K;
    var spec = new Generator.Spec(prompt, request.n(), request.maxTokens(), request.sampling(), request.stop(), k,
        eosTokens);
    AtomicBoolean abandoned = new AtomicBoolean();
    // a caller interrupted while waiting cancels all its sequences instead of leaving them running
    TokenListener guarded = (seq, ev) -> !abandoned.get() && listener.onToken(seq, ev);
    List<Generator.Sequence> seqs = call(() -> generator.generate(spec, this::decode, guarded), abandoned);
    List<Detailed> out = new ArrayList<>(seqs.size());
    for (Generator.Sequence s : seqs) {
      var g = new Generation(s.index(), s.text(), s.index() == 0 ? prompt.length : 0, s.tokens().length, s.finish(),
          s.logprobs(), s.confidence(), null, s.index() == 0 ? Math.min(prompt.length, s.cachedPromptTokens()) : 0);
      out.add(new Detailed(g, s.tokens(), s.entropy()));
    }
    return out;
  }

  /** The tokenizer is native too: check before touching it, so a closed backend says so. */
  private void requireOpen() {
    if (closed.get()) throw new BackendException(name + " is closed", false);
  }

  private <T> T call(Callable<T> work, AtomicBoolean abandoned) {
    if (closed.get()) throw new BackendException(name + " is closed", false);
    Future<T> f;
    try {
      f = workers.submit(work);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new BackendException(name + " is closed", e, false);
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      abandoned.set(true);
      Thread.currentThread().interrupt();
      throw new BackendException(name + ": interrupted", e, true);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof BackendException be) throw be;
      if (c instanceof IllegalArgumentException) throw new BackendException(name + ": " + c.getMessage(), c, false);
      throw new BackendException(name + ": model failure: " + c, c, false);
    }
  }

  private int[] encodePrompt(String text) {
    requireOpen();
    int[] ids = codec.encode(text, true);
    if (ids.length == 0) throw new BackendException(name + ": empty prompt", false);
    // A chat template writes the BOS token itself; the tokenizer's post-processor would add a second.
    int bos = model.config().bosTokenId();
    if (bos >= 0 && ids.length > 1 && ids[0] == bos && ids[1] == bos) ids = java.util.Arrays.copyOfRange(ids, 1, ids.length);
    return ids;
  }

  /** The embedded model's character vocabulary, token for token: such a checkpoint reads arithmetic questions. */
  private static boolean hasArithmeticVocabulary(LlamaConfig config, TextCodec codec) {
    var tokens = dev.bursar.arithmetic.Vocabulary.TOKENS;
    if (config.vocabSize() != tokens.size()) return false;
    for (int i = 0; i < tokens.size(); i++) {
      int[] ids = codec.encode(tokens.get(i), false);
      if (ids.length != 1 || ids[0] != i) return false;
    }
    return true;
  }

  @Override
  public int[] encode(String text) {
    return codec.encode(text, false);
  }

  @Override
  public String decode(int[] ids) {
    // A chat model's reply leaves its special tokens out, as inference servers do; the arithmetic
    // model's (<think>, </think>) are part of its answer format.
    return codec.decode(ids, chatTemplate != null);
  }

  @Override
  public int layers() {
    return model.config().numHiddenLayers();
  }

  @Override
  public int hiddenSize() {
    return model.config().hiddenSize();
  }

  /**
   * {@inheritDoc} Positions index {@code encode(text)}; special tokens the tokenizer adds in front
   * of a prompt are skipped over.
   */
  @Override
  public float[][] hiddenStates(String text, int layer, int[] positions) {
    requireOpen();
    int[] plain = codec.encode(text, false);
    int[] framed = encodePrompt(text);
    int offset = framed.length - plain.length;
    int[] shifted = new int[positions.length];
    for (int i = 0; i < positions.length; i++) {
      int p = positions[i];
      if (p >= plain.length || p < -plain.length) {
        throw new BackendException(name + ": position " + p + " outside a text of " + plain.length + " tokens", false);
      }
      shifted[i] = p < 0 ? p : p + offset;
    }
    return call(() -> generator.hiddenStates(framed, layer, shifted), new AtomicBoolean());
  }

  /** {@return the model's configuration} */
  public LlamaConfig config() {
    return model.config();
  }

  /** {@return the checkpoint's chat template, or empty when it has none (the embedded model)} */
  public java.util.Optional<ChatTemplate> chatTemplate() {
    return java.util.Optional.ofNullable(chatTemplate);
  }

  /** {@return the sampling and length the checkpoint's generation_config.json recommends} */
  public GenerationDefaults generationDefaults() {
    return generationDefaults;
  }

  /** {@return whether the model reads the embedded model's arithmetic vocabulary (one token per character)} */
  public boolean arithmeticVocabulary() {
    return arithmeticVocabulary;
  }

  /** {@return the tokens that end a generation} */
  public int[] eosTokens() {
    return eosTokens.clone();
  }

  /** {@return the device the model runs on} */
  public Device device() {
    return model.device();
  }

  /** {@return work and prefix-cache counters} */
  public Stats stats() {
    Generator.Counters c = generator.counters();
    if (prefixCache == null) return new Stats(c.requests(), c.prefillTokens(), c.decodeTokens(), 0, 0, 0, 0, 0, 0);
    PrefixCache.Stats s = prefixCache.stats();
    return new Stats(c.requests(), c.prefillTokens(), c.decodeTokens(), s.cache().hitCount(), s.cache().missCount(),
        s.cache().evictionCount(), s.entries(), s.weightBytes(), s.tokensReused());
  }

  /** Empties the prefix cache (benchmarks use it to measure cold prefills). */
  public void clearPrefixCache() {
    if (prefixCache != null) prefixCache.invalidateAll();
  }

  /** {@return native arrays currently held by requests and the prefix cache (not the weights)} */
  int liveArrays() {
    return root.getManagedArrays().size();
  }

  /** {@return native arrays attached to the weights' manager (constant unless something leaks there)} */
  int weightArrays() {
    return model.manager().getManagedArrays().size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    workers.shutdown();
    try {
      workers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (prefixCache != null) prefixCache.close();
    root.close();
    codec.close();
    model.close();
  }

  /**
   * Builds a {@link DjlBackend}, in the manner of Caffeine's builder: each setting may be set once,
   * and {@link #build()} checks that a model was chosen.
   */
  /** {@return the device for {@code choice} (auto, cpu, gpu) when DJL sees {@code gpus} GPUs} */
  static Device parseDevice(String choice, int gpus) {
    return switch (choice.toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpus == 0) {
          throw new IllegalArgumentException("--device gpu: DJL sees no GPU. The bundled natives are PyTorch's CPU build; "
              + "on a machine with an NVIDIA GPU point PYTORCH_LIBRARY_PATH at a CUDA build of libtorch 2.7.1 "
              + "(or unset DJL_OFFLINE and set PYTORCH_FLAVOR=cu128 so DJL downloads one), see README, GPU");
        }
        yield Device.gpu();
      }
      default -> throw new IllegalArgumentException("--device must be auto, cpu or gpu, was '" + choice + "'");
    };
  }

  public static final class Builder {
    private @Nullable Path dir;
    private @Nullable String name;
    private @Nullable Device device;
    private long prefixCacheBytes = -1;
    private int workers = -1;
    private @Nullable Boolean kvCacheSet;
    private boolean kvCache = true;
    private @Nullable Boolean sampleOnDevice;

    private Builder() {}

    private static void requireState(boolean ok, String what) {
      if (!ok) throw new IllegalStateException(what + " was already set");
    }

    /**
     * Loads a checkpoint directory with {@code config.json}, {@code tokenizer.json} and the weights
     * ({@code model.safetensors}, or shards listed by {@code model.safetensors.index.json}); reads
     * {@code generation_config.json} and the chat template when they are there.
     */
    public Builder modelDirectory(Path directory) {
      requireState(dir == null, "model");
      dir = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Loads the embedded default model shipped in this jar. */
    public Builder embeddedModel() {
      requireState(dir == null, "model");
      if (name == null) name = "bursar-embedded-arith";
      dir = EmbeddedModel.directory();
      return this;
    }

    /** Name for traces; default {@code djl:<directory name>}. */
    public Builder name(String n) {
      requireState(name == null || "bursar-embedded-arith".equals(name), "name");
      name = Objects.requireNonNull(n, "name");
      return this;
    }

    /**
     * The device a user names: {@code auto} (the first GPU DJL finds, else the CPU), {@code cpu}, or
     * {@code gpu} (fails when DJL finds none, saying how to get CUDA natives).
     */
    public Builder device(String choice) {
      return device(parseDevice(choice, Engine.getInstance().getGpuCount()));
    }

    /** Device to run on; default the first GPU DJL finds, else the CPU. */
    public Builder device(Device d) {
      requireState(device == null, "device");
      device = Objects.requireNonNull(d, "device");
      return this;
    }

    /** Bound of the prefix cache in bytes of keys and values; 0 disables it. Default 256 MiB. */
    public Builder prefixCacheBytes(long bytes) {
      requireState(prefixCacheBytes < 0, "prefixCacheBytes");
      if (bytes < 0) throw new IllegalArgumentException("prefixCacheBytes must be >= 0, was " + bytes);
      prefixCacheBytes = bytes;
      return this;
    }

    /** Platform threads running the model; default 2. */
    public Builder workers(int n) {
      requireState(workers < 0, "workers");
      if (n < 1) throw new IllegalArgumentException("workers must be >= 1, was " + n);
      workers = n;
      return this;
    }

    /**
     * Whether decoding reuses keys and values (default true). False recomputes every sequence in full
     * at every step; only the throughput benchmark wants that, as its baseline.
     */
    public Builder kvCache(boolean enabled) {
      requireState(kvCacheSet == null, "kvCache");
      kvCacheSet = enabled;
      kvCache = enabled;
      return this;
    }

    /**
     * Whether tokens are picked where the logits are, so a decoding step copies ids, log-probabilities
     * and the top-k to the host instead of every row's logits (default: on a GPU, or for a vocabulary
     * of 4,096 tokens or more; the host sampler otherwise, where a copy costs less than a kernel).
     */
    public Builder sampleOnDevice(boolean enabled) {
      requireState(sampleOnDevice == null, "sampleOnDevice");
      sampleOnDevice = enabled;
      return this;
    }

    private boolean sampleOnDevice(LlamaModel model) {
      return sampleOnDevice != null ? sampleOnDevice
          : model.device().isGpu() || model.config().vocabSize() >= DEVICE_SAMPLING_VOCAB;
    }

    public DjlBackend build() {
      if (dir == null) throw new IllegalStateException("choose a model: modelDirectory(path) or embeddedModel()");
      for (String f : List.of("config.json", "tokenizer.json")) {
        if (!Files.isRegularFile(dir.resolve(f))) throw new IllegalArgumentException("missing " + f + " in " + dir);
      }
      if (!ShardedSafeTensors.present(dir)) {
        throw new IllegalArgumentException("missing model.safetensors (or model.safetensors.index.json and its shards) in " + dir);
      }
      if (prefixCacheBytes < 0) prefixCacheBytes = 256L << 20;
      if (workers < 0) workers = 2;
      if (!kvCache && prefixCacheBytes > 0) prefixCacheBytes = 0; // the prefix cache stores KV: meaningless without
      Device dev = device != null ? device : Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      LlamaConfig config = LlamaConfig.read(dir.resolve("config.json"));
      // the small files first: a bad one fails before gigabytes of weights are read
      GenerationDefaults defaults = GenerationDefaults.read(dir);
      ChatTemplate template = ChatTemplate.read(dir).orElse(null);
      LlamaModel model = LlamaModel.load(config, dir, dev);
      TextCodec codec;
      try {
        codec = TextCodec.load(dir.resolve("tokenizer.json"));
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
      return new DjlBackend(this, model, codec, defaults, template);
    }
  }
}

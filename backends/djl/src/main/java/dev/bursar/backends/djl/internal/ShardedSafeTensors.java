package dev.bursar.backends.djl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a checkpoint, in one safetensors file or in shards: a Hugging Face directory with
 * {@code model.safetensors.index.json} (its {@code weight_map} names the shard of every tensor), or
 * with a single {@code model.safetensors}.
 */
public final class ShardedSafeTensors implements AutoCloseable {
  /** The index file of a sharded checkpoint. */
  public static final String INDEX = "model.safetensors.index.json";
  /** The weights file of an unsharded checkpoint. */
  public static final String SINGLE = "model.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, SafeTensors> byTensor;
  private final List<SafeTensors> files;
  private final Path where;

  private ShardedSafeTensors(Map<String, SafeTensors> byTensor, List<SafeTensors> files, Path where) {
    this.byTensor = byTensor;
    this.files = files;
    this.where = where;
  }

  /** {@return whether {@code dir} holds weights this class can open} */
  public static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve(INDEX)) || Files.isRegularFile(dir.resolve(SINGLE));
  }

  /**
   * Opens a safetensors file, or the weights of a checkpoint directory (the index when there is
   * one, else {@code model.safetensors}).
   */
  public static ShardedSafeTensors open(Path fileOrDir) {
    if (!Files.isDirectory(fileOrDir)) return of(List.of(SafeTensors.open(fileOrDir)), fileOrDir);
    Path index = fileOrDir.resolve(INDEX);
    if (!Files.isRegularFile(index)) {
      Path single = fileOrDir.resolve(SINGLE);
      if (!Files.isRegularFile(single)) {
        throw new IllegalArgumentException("no weights in " + fileOrDir + ": expected " + SINGLE + " or " + INDEX);
      }
      return of(List.of(SafeTensors.open(single)), single);
    }
    JsonNode map;
    try {
      map = JSON.readTree(index.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    }
    if (map == null || !map.isObject()) throw new IllegalArgumentException(index + ": no weight_map object");
    Map<String, SafeTensors> shards = new LinkedHashMap<>();
    Map<String, SafeTensors> byTensor = new HashMap<>();
    try {
      for (var it = map.fields(); it.hasNext(); ) {
        var e = it.next();
        String shard = e.getValue().asText();
        Path file = fileOrDir.resolve(shard).normalize();
        // the index names files next to it; a path that leaves the directory is not a shard
        if (!file.startsWith(fileOrDir.normalize())) throw new IllegalArgumentException(index + ": shard " + shard + " is outside " + fileOrDir);
        SafeTensors st = shards.get(shard);
        if (st == null) {
          if (!Files.isRegularFile(file)) throw new IllegalArgumentException(index + " names shard " + shard + ", which is missing");
          st = SafeTensors.open(file);
          shards.put(shard, st);
        }
        byTensor.put(e.getKey(), st);
      }
    } catch (RuntimeException e) {
      shards.values().forEach(SafeTensors::close);
      throw e;
    }
    return new ShardedSafeTensors(byTensor, new ArrayList<>(shards.values()), index);
  }

  private static ShardedSafeTensors of(List<SafeTensors> one, Path file) {
    Map<String, SafeTensors> byTensor = new HashMap<>();
    for (String n : one.getFirst().names()) byTensor.put(n, one.getFirst());
    return new ShardedSafeTensors(byTensor, one, file);
  }

  public boolean has(String name) {
    return byTensor.containsKey(name);
  }

  /**
   * Reads a tensor as floats (F32, BF16 or F16 on disk), checking its shape.
   *
   * @throws IllegalArgumentException naming the tensor when it is missing or its shape differs
   */
  public float[] read(String name, long... expectedShape) {
    SafeTensors st = byTensor.get(name);
    if (st == null) throw new IllegalArgumentException(where + ": missing tensor " + name);
    return st.read(name, expectedShape);
  }

  @Override
  public void close() {
    files.forEach(SafeTensors::close);
  }
}

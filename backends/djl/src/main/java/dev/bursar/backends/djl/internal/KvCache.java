package dev.bursar.backends.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys and values of every layer for a batch of sequences that share their length, shaped
 * {@code [batch, kvHeads, length, headDim]}, already rotated by RoPE. Immutable: a forward step
 * returns a new cache. The arrays belong to whatever manager they are attached to.
 */
public record KvCache(List<NDArray> keys, List<NDArray> values) {

  public KvCache {
    if (keys.size() != values.size()) throw new IllegalArgumentException("keys and values differ in layers");
    keys = List.copyOf(keys);
    values = List.copyOf(values);
  }

  /** {@return the number of cached positions} */
  public int length() {
    return (int) keys.getFirst().getShape().get(2);
  }

  /** {@return the number of sequences} */
  public int batch() {
    return (int) keys.getFirst().getShape().get(0);
  }

  /** {@return the bytes of native memory the cache holds} */
  public long bytes() {
    long b = 0;
    for (int i = 0; i < keys.size(); i++) {
      b += keys.get(i).size() * keys.get(i).getDataType().getNumOfBytes();
      b += values.get(i).size() * values.get(i).getDataType().getNumOfBytes();
    }
    return b;
  }

  /** Moves every array to {@code manager}, which then owns them. */
  public KvCache attach(NDManager manager) {
    for (NDArray k : keys) k.attach(manager);
    for (NDArray v : values) v.attach(manager);
    return this;
  }

  /** {@return a cache of the rows {@code rows}, created in {@code manager}} */
  public KvCache select(NDManager manager, int[] rows) {
    long[] r = new long[rows.length];
    for (int i = 0; i < rows.length; i++) r[i] = rows[i];
    NDArray idx = manager.create(r);
    List<NDArray> k = new ArrayList<>(keys.size());
    List<NDArray> v = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      k.add(keys.get(i).get(manager, new NDIndex("{}", idx)));
      v.add(values.get(i).get(manager, new NDIndex("{}", idx)));
    }
    return new KvCache(k, v);
  }

  /** {@return a cache of batch {@code n} that repeats this batch-1 cache, created in {@code manager}} */
  public KvCache repeat(NDManager manager, int n) {
    if (batch() != 1) throw new IllegalStateException("repeat needs a batch of 1, was " + batch());
    List<NDArray> k = new ArrayList<>(keys.size());
    List<NDArray> v = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      NDArray rk = keys.get(i).repeat(0, n);
      NDArray rv = values.get(i).repeat(0, n);
      rk.attach(manager);
      rv.attach(manager);
      k.add(rk);
      v.add(rv);
    }
    return new KvCache(k, v);
  }

  /** {@return the arrays as one list, keys then values} */
  public NDList toList() {
    NDList l = new NDList();
    l.addAll(keys);
    l.addAll(values);
    return l;
  }
}

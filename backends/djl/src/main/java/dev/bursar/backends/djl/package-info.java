/**
 * The DJL backend: a Llama-family decoder-only transformer on DJL PyTorch, with a KV cache, a
 * byte-bounded prefix cache, sampling with log-probabilities, hidden-state taps, and the embedded
 * default model ({@link dev.bursar.backends.djl.EmbeddedModel}).
 */
@NullMarked
package dev.bursar.backends.djl;

import org.jspecify.annotations.NullMarked;

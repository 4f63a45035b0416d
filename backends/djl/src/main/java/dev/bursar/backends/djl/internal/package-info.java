/**
 * Engine internals of the DJL backend: the Llama-family model, safetensors codec, KV and prefix
 * caches and the sampler. Public only so that the trainer and the benchmark can reach them; not API.
 */
@NullMarked
package dev.bursar.backends.djl.internal;

import org.jspecify.annotations.NullMarked;

/**
 * A {@link dev.bursar.controller.Backend} for any OpenAI-compatible server (vLLM, SGLang,
 * llama.cpp's server, Ollama) over {@code java.net.http}: {@link OpenAiBackend}, and the
 * {@link UpstreamClient} it sends through (timeouts, Resilience4j retry and circuit breaker), which
 * the sidecar also uses to pass requests through unchanged.
 */
@NullMarked
package dev.bursar.backends.openai;

import org.jspecify.annotations.NullMarked;

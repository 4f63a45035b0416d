package dev.bursar.sidecar.serve;

import org.jspecify.annotations.Nullable;

/** The upstream's pass-through when bursar runs in front of a server ({@code --upstream}), else none. */
record UpstreamHolder(@Nullable Passthrough passthrough) {}

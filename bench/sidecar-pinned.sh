#!/usr/bin/env bash
# bench sidecar with the sidecar on a core of its own: the stub upstream and the load generator
# (one process) on CPU 0, bursar serving FAST in front of the stub on CPU 1. On a 2-core machine the
# in-process `./bursar bench sidecar` shares both cores between all three, so its tail measures their
# contention more than bursar. Usage: bench/sidecar-pinned.sh [OUT.json] [extra bench sidecar flags]
# Env: WARMUP (s, default 30), SIDECAR_JAVA_OPTS (e.g. -XX:TieredStopAtLevel=1: a fresh sidecar on one
# core otherwise spends most of it in the C2 compiler), KEEP_LOG (copy the sidecar log there).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/sidecar-pinned.json}
shift || true
stub_port=${STUB_PORT:-18000}
sidecar_port=${SIDECAR_PORT:-8090}
command -v taskset >/dev/null || { echo "taskset is missing (apt-get install util-linux)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs at least 2 CPUs, this machine has $(nproc)" >&2; exit 2; }
./bursar --version >/dev/null  # build once, before anything is timed
log=$(mktemp)
BURSAR_JAVA_OPTS="${SIDECAR_JAVA_OPTS:-}" taskset -c 1 ./bursar serve --port "$sidecar_port" --upstream "http://127.0.0.1:$stub_port/v1" --model stub \
  --max-concurrent 1024 --max-queue 1024 >"$log" 2>&1 &
sidecar=$!
trap 'kill $sidecar 2>/dev/null || true; wait $sidecar 2>/dev/null || true; [ -n "${KEEP_LOG:-}" ] && cp "$log" "$KEEP_LOG"; rm -f "$log"' EXIT
# Let the sidecar finish starting (and its start-up compilation) before any load.
command -v curl >/dev/null && for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$sidecar_port/health" >/dev/null 2>&1 && break; sleep 0.5; done
sleep 5
# The bench waits for the sidecar to answer, then warms both sides, ramping up (WARMUP seconds each, default 30).
taskset -c 0 ./bursar bench sidecar --stub-port "$stub_port" --through "http://127.0.0.1:$sidecar_port/v1/chat/completions" \
  --warmup "${WARMUP:-30}" --out "$out" "$@"

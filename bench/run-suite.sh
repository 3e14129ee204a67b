#!/usr/bin/env bash
# The whole measurement of bench/README.md in one go, on this machine:
#   engine     in-process img/s at batch 1/4/8 (bench/run-engine.sh)
#   saturation closed loop against the service: its capacity (img/s) and the ratio to the engine's batch-8 figure
#   half       open loop at 50% of that capacity: p50/p99
#   overload   open loop at 3x capacity: every request answered, accepted p99 vs request-timeout, rejection p99,
#              500s, RSS before/after
#   soak       10,000 requests of mixed sizes after warm-up on a fresh service: RSS/heap every 1,000 requests
# It starts the service itself (java -jar, 127.0.0.1 only, seeded random weights: no download) with the settings
# below, and stops it (by its PID) when done. Every setting is an environment variable; the defaults are the ones
# the README reports. Logs go to bench/results/<UTC time>/.
#   STEPS="engine saturation half overload soak"  subset to run
#   CAPACITY=img/s      skip 'saturation' and use this capacity for 'half' and 'overload'
#   SOAK_INPUT_SIZE=N   soak with classifier.models[0].preprocess.input-size=N (smaller = cheaper per request)
#   PRECISION=bf16      engine and service in bf16 (default fp32); EXECUTION=eager for the op-by-op blocks
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

STEPS="${STEPS:-engine saturation half overload soak}"
ARCH="${ARCH:-inception_v4}"
PORT="${PORT:-18080}"
WORKERS="${WORKERS:-1}"
THREADS="${THREADS:-$(nproc)}"
MAX_BATCH="${MAX_BATCH:-8}"
BATCH_DELAY="${BATCH_DELAY:-5ms}"
QUEUE="${QUEUE:-16}"
REQUEST_TIMEOUT="${REQUEST_TIMEOUT:-10s}"
HEAP="${HEAP:-1g}"
ENGINE_SECONDS="${ENGINE_SECONDS:-20}"
WARMUP="${WARMUP:-10s}"
SAT_CONCURRENCY="${SAT_CONCURRENCY:-16}"
SAT_DURATION="${SAT_DURATION:-60s}"
HALF_DURATION="${HALF_DURATION:-60s}"
OVER_DURATION="${OVER_DURATION:-60s}"
SOAK_REQUESTS="${SOAK_REQUESTS:-10000}"
SOAK_CONCURRENCY="${SOAK_CONCURRENCY:-8}"
SOAK_INPUT_SIZE="${SOAK_INPUT_SIZE:-}"
IMAGES="${IMAGES:-48}"
PRECISION="${PRECISION:-fp32}"
EXECUTION="${EXECUTION:-compiled}"

out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "results in $out" >&2
jar="target/inception-classifier-0.1.0-SNAPSHOT.jar"
url="http://127.0.0.1:$PORT"
service_pid=""

note() { echo "$*" | tee -a "$out/suite.txt" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

stop_service() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$service_pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$service_pid" 2>/dev/null && kill -9 "$service_pid" 2>/dev/null || true
  fi
  service_pid=""
}
trap stop_service EXIT

start_service() {  # extra --args follow
  local log="$1"; shift
  [[ -f "$jar" ]] || ./mvnw -q -B ${MAVEN_ARGS:-} -DskipTests -Djacoco.skip=true package >&2
  note "service: java -Xmx$HEAP -jar $jar --server.address=127.0.0.1 --server.port=$PORT" \
    "--classifier.models[0].name=$ARCH --classifier.models[0].architecture=$ARCH" \
    "--classifier.models[0].source=random --classifier.inference.device=cpu" \
    "--classifier.inference.workers=$WORKERS --classifier.engine.num-threads=$THREADS" \
    "--classifier.inference.max-batch-size=$MAX_BATCH --classifier.inference.max-batch-delay=$BATCH_DELAY" \
    "--classifier.inference.queue-capacity=$QUEUE --classifier.inference.request-timeout=$REQUEST_TIMEOUT" \
    "--classifier.inference.precision=$PRECISION --classifier.inference.execution=$EXECUTION $*"
  java "-Xmx$HEAP" -jar "$jar" --server.address=127.0.0.1 "--server.port=$PORT" \
    "--classifier.models[0].name=$ARCH" "--classifier.models[0].architecture=$ARCH" \
    "--classifier.models[0].source=random" --classifier.inference.device=cpu \
    "--classifier.inference.workers=$WORKERS" "--classifier.engine.num-threads=$THREADS" \
    "--classifier.inference.max-batch-size=$MAX_BATCH" "--classifier.inference.max-batch-delay=$BATCH_DELAY" \
    "--classifier.inference.queue-capacity=$QUEUE" "--classifier.inference.request-timeout=$REQUEST_TIMEOUT" \
    "--classifier.inference.precision=$PRECISION" "--classifier.inference.execution=$EXECUTION" \
    "$@" >"$log" 2>&1 &
  service_pid=$!
  # Readiness goes UP only after every worker warmed up every batch size.
  for _ in $(seq 1 1800); do
    if curl -fs "$url/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then
      note "service ready (pid $service_pid), load average $(loadavg)"
      return 0
    fi
    kill -0 "$service_pid" 2>/dev/null || { note "service exited; see $log"; tail -30 "$log" >&2; exit 1; }
    sleep 1
  done
  note "service not ready after 30 min; see $log"; exit 1
}

load() {  # name, then load generator arguments
  local name="$1"; shift
  note ""
  note "== $name: bench/run-load.sh --url $url --generate $IMAGES $* (load average $(loadavg))"
  bench/run-load.sh --url "$url" --generate "$IMAGES" "$@" | tee "$out/$name.txt"
}

summary() { grep '^SUMMARY' "$out/$1.txt" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

note "suite on $(nproc) cores, $(git rev-parse --short HEAD) (uncommitted: $(git status --short | tr "\n" " ")), load average $(loadavg); steps: $STEPS; $EXECUTION $PRECISION"

engine_b8=""
if [[ " $STEPS " == *" engine "* ]]; then
  note ""
  note "== engine: bench/run-engine.sh --arch $ARCH --batches 1,4,$MAX_BATCH --seconds $ENGINE_SECONDS --threads $THREADS" \
    "--precision $PRECISION --execution $EXECUTION"
  bench/run-engine.sh --arch "$ARCH" --batches "1,4,$MAX_BATCH" --seconds "$ENGINE_SECONDS" --threads "$THREADS" \
    --precision "$PRECISION" --execution "$EXECUTION" 2> "$out/engine.log" | tee "$out/engine.txt"
  engine_b8="$(grep "^ENGINE .* batch=$MAX_BATCH " "$out/engine.txt" | head -1 | tr ' ' '\n' | sed -n 's/^img_per_s=//p')"
fi

if [[ " $STEPS " == *" saturation "* || " $STEPS " == *" half "* || " $STEPS " == *" overload "* ]]; then
  start_service "$out/service.log"
  if [[ " $STEPS " == *" saturation "* ]]; then
    load saturation --mode closed --concurrency "$SAT_CONCURRENCY" --warmup "$WARMUP" --duration "$SAT_DURATION"
    CAPACITY="$(summary saturation ok_per_s)"
    if [[ -n "$engine_b8" ]]; then
      note "service capacity $CAPACITY img/s vs engine batch $MAX_BATCH $engine_b8 img/s: ratio" \
        "$(awk -v s="$CAPACITY" -v e="$engine_b8" 'BEGIN { printf "%.2f", s / e }')"
    fi
  fi
  if [[ -z "${CAPACITY:-}" ]]; then note "no CAPACITY: run 'saturation' or set CAPACITY"; exit 1; fi
  if [[ " $STEPS " == *" half "* ]]; then
    load half --mode open --rate "$(awk -v c="$CAPACITY" 'BEGIN { printf "%.3f", c / 2 }')" \
      --warmup "$WARMUP" --duration "$HALF_DURATION"
  fi
  if [[ " $STEPS " == *" overload "* ]]; then
    load overload --mode open --rate "$(awk -v c="$CAPACITY" 'BEGIN { printf "%.3f", c * 3 }')" \
      --warmup 0s --duration "$OVER_DURATION"
  fi
  stop_service
fi

if [[ " $STEPS " == *" soak "* ]]; then
  extra=()
  [[ -n "$SOAK_INPUT_SIZE" ]] && extra=("--classifier.models[0].preprocess.input-size=$SOAK_INPUT_SIZE")
  start_service "$out/service-soak.log" "${extra[@]}"
  load soak --mode soak --requests "$SOAK_REQUESTS" --warmup-requests 200 --concurrency "$SOAK_CONCURRENCY" \
    --snapshot-every 1000
  stop_service
fi
note ""
note "done, load average $(loadavg); results in $out"

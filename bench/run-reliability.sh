#!/usr/bin/env bash
# Overload with a SIGTERM in the middle: does every accepted request get exactly one answer? Counted from both sides.
#   1. starts the service (java -jar, 127.0.0.1 only, seeded random weights, a small input size so it is fast)
#   2. measures its capacity: closed loop, SAT_CONCURRENCY clients (or takes CAPACITY=img/s)
#   3. open loop at OVERLOAD x capacity for OVER_SECONDS; TERM_AFTER seconds in, sends SIGTERM to the service
#   4. waits for the service to exit, then puts side by side what the clients got (load generator) and what the
#      service counted (its shutdown log: requests by outcome, and each scheduler's accepted/answered counts)
# Every setting is an environment variable (see below). Results go to bench/results/reliability/<UTC time>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

PORT="${PORT:-18081}"
INPUT_SIZE="${INPUT_SIZE:-75}"
THREADS="${THREADS:-$(nproc)}"
MAX_BATCH="${MAX_BATCH:-8}"
QUEUE="${QUEUE:-16}"
REQUEST_TIMEOUT="${REQUEST_TIMEOUT:-5s}"
HEAP="${HEAP:-1g}"
SIZES="${SIZES:-64x64,299x299,320x240,640x480}"
IMAGES="${IMAGES:-32}"
SAT_CONCURRENCY="${SAT_CONCURRENCY:-16}"
SAT_DURATION="${SAT_DURATION:-20s}"
OVERLOAD="${OVERLOAD:-3}"
OVER_SECONDS="${OVER_SECONDS:-40}"
TERM_AFTER="${TERM_AFTER:-20}"
CAPACITY="${CAPACITY:-}"

out="bench/results/reliability/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
echo "results in $out" >&2
jar="target/inception-classifier-0.1.0-SNAPSHOT.jar"
url="http://127.0.0.1:$PORT"
pid=""
note() { echo "$*" | tee -a "$out/run.txt" >&2; }
cleanup() { if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

[[ -f "$jar" ]] || ./mvnw -q -B ${MAVEN_ARGS:-} -DskipTests -Djacoco.skip=true package >&2
args=(--server.address=127.0.0.1 "--server.port=$PORT"
  "--classifier.models[0].name=inception_v4" "--classifier.models[0].architecture=inception_v4"
  "--classifier.models[0].source=random" "--classifier.models[0].preprocess.input-size=$INPUT_SIZE"
  --classifier.inference.device=cpu "--classifier.engine.num-threads=$THREADS"
  "--classifier.inference.max-batch-size=$MAX_BATCH" "--classifier.inference.queue-capacity=$QUEUE"
  "--classifier.inference.request-timeout=$REQUEST_TIMEOUT")
note "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (modified)'), $(date -u +%FT%TZ)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
note "service: java -Xmx$HEAP -jar $jar ${args[*]}"
java "-Xmx$HEAP" -jar "$jar" "${args[@]}" >"$out/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -fs "$url/actuator/health/readiness" 2>/dev/null | grep -q '"UP"' && break
  kill -0 "$pid" 2>/dev/null || { note "service died at start; see service.log"; exit 1; }
  sleep 1
done
note "service ready (pid $pid)"

load=(bench/run-load.sh --url "$url" --generate "$IMAGES" --sizes "$SIZES")
if [[ -z "$CAPACITY" ]]; then
  note "capacity: ${load[*]} --mode closed --concurrency $SAT_CONCURRENCY --warmup 5s --duration $SAT_DURATION"
  "${load[@]}" --mode closed --concurrency "$SAT_CONCURRENCY" --warmup 5s --duration "$SAT_DURATION" \
    >"$out/capacity.txt"
  CAPACITY="$(sed -n 's/^SUMMARY.* ok_per_s=\([0-9.]*\) .*/\1/p' "$out/capacity.txt")"
fi
rate="$(awk -v c="$CAPACITY" -v k="$OVERLOAD" 'BEGIN { printf "%.2f", c * k }')"
note "capacity $CAPACITY img/s; overload: ${OVERLOAD}x = $rate req/s for ${OVER_SECONDS}s, SIGTERM after ${TERM_AFTER}s"

# The server's counters just before the overload: its shutdown log minus these is what it counted during the run.
curl -fs "$url/actuator/prometheus" | grep -E '^classifier_requests_total' >"$out/before-overload.prom" || true
( sleep "$TERM_AFTER"; note "SIGTERM at $(date -u +%T.%N | cut -c1-12)"; kill -TERM "$pid" ) &
killer=$!
note "overload: ${load[*]} --mode open --rate $rate --warmup 0s --duration ${OVER_SECONDS}s --timeout 60s"
"${load[@]}" --mode open --rate "$rate" --warmup 0s --duration "${OVER_SECONDS}s" --timeout 60s \
  >"$out/overload.txt" 2>"$out/overload.err" || true
wait "$killer" || true
status=0
wait "$pid" || status=$?
pid=""
note "service exited with status $status"

{
  echo "== client side (load generator) =="
  grep -E '^(offered|answered|statuses|problem types|SUMMARY)' "$out/overload.txt" || true
  echo
  echo "== server side: classifier_requests_total just before the overload (to subtract) =="
  sed -E 's/\{.*outcome="([a-z_]+)".*\} / \1 /' "$out/before-overload.prom" | awk '{ printf "%s=%d ", $2, $3 } END { print "" }'
  echo
  echo "== server side (service log at shutdown) =="
  grep -E 'scheduler stopped|requests by outcome|drained and stopped|NOT freed|Graceful shutdown|ERROR' \
    "$out/service.log" | sed -E 's/^[^ ]+ +[A-Z]+ [0-9]+ --- \[[^]]*\] \[ *[^]]*\] //' || true
} | tee "$out/summary.txt" >&2

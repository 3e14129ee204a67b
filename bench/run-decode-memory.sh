#!/usr/bin/env bash
# Issue 10's memory DoS, measured on the built jar: the service runs with the container image's heap settings
# (-Xmx1g -XX:+ExitOnOutOfMemoryError) on seeded random weights; N concurrent uploads of a flat 6300x6300 RGBA PNG
# (~170 KB on the wire, 159 MB as a raster) are sent at once, then N concurrent 12 MP JPEGs, then one normal photo.
# It reports every status, whether the process survived, the photo's status, peak heap (from the GC log: the
# largest heap occupancy before a collection) and peak RSS (VmHWM). Not a test. Results: bench/results/decode-memory/.
#   bench/run-decode-memory.sh [--concurrency 16] [--jar target/inception-classifier-*.jar] [--label name]
#                              [--no-jpeg] [-- extra service arguments, e.g. --classifier.image.jpeg-decoder=imageio]
# Without --jar it builds the jar (./mvnw package -DskipTests). Needs /usr/bin/python3 with Pillow and numpy, curl.
# The request and decode timeouts are raised to 60 s (override after --), so that a CPU-starved machine does not turn
# this memory measurement into a CPU one (504s and 422s); the heap settings are the container's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CONCURRENCY=16
JAR=""
LABEL=""
JPEG=1
# a free port of our own: another service answering on a fixed port would make the figures someone else's
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT="${PORT:-$(free_port)}"
HEAP_OPTS="${HEAP_OPTS:--Xmx1g -XX:+ExitOnOutOfMemoryError}"
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --label) LABEL="$2"; shift 2 ;;
    --no-jpeg) JPEG=0; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3
if [ -z "$JAR" ]; then
  ./mvnw -q -B ${MAVEN_ARGS:-} -DskipTests -Djacoco.skip=true package >&2
  JAR="$(ls target/inception-classifier-*.jar | grep -v plain | head -n 1)"
fi
out="bench/results/decode-memory/$(date -u +%Y%m%dT%H%M%SZ)${LABEL:+-$LABEL}"
mkdir -p "$out"
work="${TMPDIR:-/tmp}/inception-classifier-bench"
mkdir -p "$work"
png="$work/flat-6300x6300-rgba.png"
photo="$work/photo-1024x768.jpg"
big="$work/photo-4000x3000.jpg"
[ -f "$png" ] || "$PY" -c "from PIL import Image; Image.new('RGBA', (6300, 6300), (10, 200, 30, 255)).save('$png')"
[ -f "$photo" ] || "$PY" bench/decode/pillow_decode.py --generate 1024x768 --out "$photo" >&2
[ -f "$big" ] || "$PY" bench/decode/pillow_decode.py --generate 4000x3000 --out "$big" >&2

log="$out/service.log"
# shellcheck disable=SC2086
java $HEAP_OPTS -Xlog:gc:file="$out/gc.log" -Dai.djl.offline=true -jar "$JAR" --server.address=127.0.0.1 \
  --server.port="$PORT" --classifier.fallback-to-random=false --classifier.models[0].name=inception_v4 \
  --classifier.models[0].architecture=inception_v4 --classifier.models[0].source=random \
  --classifier.inference.request-timeout=60s --classifier.image.decode-timeout=60s "${EXTRA[@]}" >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 900); do
  kill -0 "$pid" 2>/dev/null || { echo "the service did not start; see $log" >&2; exit 1; }
  grep -q "Tomcat started on port $PORT" "$log" \
    && curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 1
done

say() { echo "$*" | tee -a "$out/summary.txt"; }

burst() { # $1 = name, $2 = file, $3 = content type
  local dir="$out/$1" start pids=() statuses retry
  mkdir -p "$dir"
  start=$(date +%s.%N)
  for i in $(seq 1 "$CONCURRENCY"); do
    ( curl -s -o "$dir/$i.body" -D "$dir/$i.headers" -w '%{http_code}\n' --max-time 300 \
        -H "Content-Type: $3" --data-binary @"$2" "http://127.0.0.1:$PORT/classify" >"$dir/$i.status" 2>/dev/null \
      || echo "no-answer" >"$dir/$i.status" ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  statuses=$(sed 's/^000$/no-answer/' "$dir"/*.status | sort | uniq -c | awk '{printf "%s x %s, ", $1, $2}' \
    | sed 's/, $//')
  retry=$( (grep -il '^retry-after' "$dir"/*.headers 2>/dev/null || true) | wc -l)
  say "$1: $CONCURRENCY concurrent $(basename "$2") ($(stat -c %s "$2") bytes): $statuses; Retry-After on $retry;" \
    "$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
}

say "command: bench/run-decode-memory.sh --concurrency $CONCURRENCY --jar $JAR ${LABEL:+--label $LABEL} ${EXTRA[*]:-}"
say "jvm: $HEAP_OPTS; $(java -version 2>&1 | head -1); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "JPEG decoder:|Decode memory budget:" "$log" | sed 's/.*\(JPEG decoder:\|Decode memory budget:\)/\1/' \
  | tee -a "$out/summary.txt" || true
burst png "$png" image/png
if kill -0 "$pid" 2>/dev/null && [ "$JPEG" = 1 ]; then burst jpeg "$big" image/jpeg; fi
if kill -0 "$pid" 2>/dev/null; then
  say "process: alive (pid $pid)"
  sleep 5 # let the batches of the burst finish
  code=$(curl -s -o "$out/photo.body" -w '%{http_code}' -H 'Content-Type: image/jpeg' --data-binary @"$photo" \
    "http://127.0.0.1:$PORT/classify")
  say "a normal photo afterwards: $code"
  say "peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' /proc/"$pid"/status)"
else
  status=0
  wait "$pid" 2>/dev/null || status=$?
  say "process: DEAD (exit status $status)"
  grep -m1 -E "OutOfMemoryError|Terminating" "$log" | tee -a "$out/summary.txt" || true
fi
# largest heap occupancy seen before a collection, e.g. "Pause Young (Normal) (G1 Evacuation Pause) 812M->301M(1024M)"
awk 'match($0, /[0-9]+M->[0-9]+M\([0-9]+M\)/) { s = substr($0, RSTART, RLENGTH); split(s, a, /M->|M\(|M\)/)
     if (a[1] + 0 > peak) peak = a[1] + 0; if (a[3] + 0 > cap) cap = a[3] + 0
     if (a[2] + 0 > live) live = a[2] + 0 }
     END { printf "peak heap before GC: %d MiB of %d MiB committed; largest heap after GC: %d MiB\n", peak, cap,
           live }' "$out/gc.log" \
  | tee -a "$out/summary.txt"
say "full GCs: $(grep -c 'Pause Full' "$out/gc.log" || true)"
echo "results in $out" >&2

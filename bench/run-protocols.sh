#!/usr/bin/env bash
# Overhead of the v2 JSON path (and of v2 binary) against POST /classify for the same image, side by side in one run:
# starts the quick-start service (./mvnw spring-boot:run, seeded random weights) on PORT, waits for
# /v2/health/ready, runs bench/protocols/overhead.py (interleaved, one request at a time), stops the service.
#   bench/run-protocols.sh                 ROUNDS=200 WARMUP=20 MODEL=inception_v4 PORT=18080 by default
#   IMAGE=photo.jpg bench/run-protocols.sh a JPEG of your own (default: a 640x480 photo-like JPEG made here)
# Output: bench/results/protocols/<UTC time>/{overhead.txt,service.log}; extra Maven flags in MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-200}"; warmup="${WARMUP:-20}"; model="${MODEL:-inception_v4}"; port="${PORT:-18080}"
out="bench/results/protocols/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
image="${IMAGE:-$out/photo.jpg}"
if [ -z "${IMAGE:-}" ]; then
  /usr/bin/python3 - "$image" <<'PY'
import sys
from PIL import Image, ImageDraw, ImageFilter
img = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
d = ImageDraw.Draw(img)
for i in range(12):
    d.ellipse((40 * i, 30 * i % 400, 40 * i + 120, 30 * i % 400 + 90), fill=(20 * i, 255 - 20 * i, 90))
img.filter(ImageFilter.GaussianBlur(1.5)).save(sys.argv[1], quality=90)
PY
fi
./mvnw -q -B ${MAVEN_ARGS:-} spring-boot:run -Dspring-boot.run.arguments="--server.port=$port" \
  >"$out/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  if curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready"; then break; fi
  kill -0 $pid 2>/dev/null || { echo "the service did not start; see $out/service.log" >&2; exit 1; }
  sleep 1
done
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(java -version 2>&1 | head -1); service: ./mvnw spring-boot:run (random weights), model $model"
  echo "# command: bench/protocols/overhead.py http://127.0.0.1:$port $model $image $rounds $warmup"
  /usr/bin/python3 bench/protocols/overhead.py "http://127.0.0.1:$port" "$model" "$image" "$rounds" "$warmup"
} | tee "$out/overhead.txt"

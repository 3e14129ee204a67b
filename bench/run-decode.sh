#!/usr/bin/env bash
# Decode + preprocess of a 12 MP JPEG, side by side in one run: this service with TurboJPEG (libjpeg-turbo), this
# service with ImageIO, and Pillow + torchvision (timm's eval transform, Debian's python3-pil / python3-torchvision).
# Rounds alternate Pillow and Java, so both see the same machine; each round prints DECODE lines, the summary takes
# the median over rounds. Not a test. Results go to bench/results/decode/<UTC time>/.
#   bench/run-decode.sh [--image FILE] [--rounds 3] [--iterations 15]
# Without --image it generates a photo-like 4000x3000 JPEG (quality 90, 4:2:0) with Pillow into $TMPDIR.
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS; JVM flags in BENCH_JAVA_OPTS (default -Xmx2g).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

IMAGE=""
ROUNDS=3
ITERATIONS=15
while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMAGE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --iterations) ITERATIONS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PY=/usr/bin/python3
out="bench/results/decode/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
if [ -z "$IMAGE" ]; then
  IMAGE="${TMPDIR:-/tmp}/inception-classifier-bench/photo-4000x3000.jpg"
  mkdir -p "$(dirname "$IMAGE")"
  [ -f "$IMAGE" ] || "$PY" bench/decode/pillow_decode.py --generate 4000x3000 --out "$IMAGE" >&2
fi

./mvnw -q -B ${MAVEN_ARGS:-} -Djacoco.skip=true compile dependency:build-classpath \
  -Dmdep.outputFile=target/decode-bench-classpath.txt >&2
cp="target/classes:$(cat target/decode-bench-classpath.txt)"
mkdir -p target/decode-bench
javac -d target/decode-bench -cp "$cp" bench/decode/DecodeBenchmark.java

{
  echo "command: bench/run-decode.sh --image $IMAGE --rounds $ROUNDS --iterations $ITERATIONS"
  echo "image: $IMAGE $(stat -c %s "$IMAGE") bytes sha256 $(sha256sum "$IMAGE" | cut -d' ' -f1)"
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "machine: $(nproc) cores, $cpu, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "libturbojpeg: $(dpkg-query -W -f='${Version}' libturbojpeg0 2>/dev/null || echo absent)," \
    "turbojpeg.jar: $(ls /usr/share/java/turbojpeg.jar 2>/dev/null || echo absent)"
} | tee "$out/env.txt"

for r in $(seq 1 "$ROUNDS"); do
  echo "## round $r (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$PY" bench/decode/pillow_decode.py --image "$IMAGE" --iterations "$ITERATIONS"
  java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "target/decode-bench:$cp" dev.inceptionclassifier.bench.DecodeBenchmark \
    --image "$IMAGE" --iterations "$ITERATIONS"
done 2>&1 | tee "$out/rounds.txt"

# median over rounds of each decoder's per-round medians, and the ratio to Pillow
awk '
  /^DECODE/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    d = f["decoder"]; n[d]++; dec[d, n[d]] = f["decode_ms_median"]; pre[d, n[d]] = f["preprocess_ms_median"]
    tot[d, n[d]] = f["total_ms_median"]; if (!(d in seen)) { seen[d] = 1; order[++k] = d }
  }
  function med(a, d, m,   i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[d, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END {
    p = med(tot, "pillow", n["pillow"])
    printf "%-10s %10s %14s %10s %14s\n", "decoder", "decode ms", "preprocess ms", "total ms", "total/Pillow"
    for (i = 1; i <= k; i++) {
      d = order[i]; t = med(tot, d, n[d])
      printf "%-10s %10.1f %14.1f %10.1f %14.2f\n", d, med(dec, d, n[d]), med(pre, d, n[d]), t, t / p
      printf "SUMMARY decoder=%s decode_ms=%.1f preprocess_ms=%.1f total_ms=%.1f ratio_to_pillow=%.2f rounds=%d\n", \
        d, med(dec, d, n[d]), med(pre, d, n[d]), t, t / p, n[d] > "/dev/stderr"
    }
  }' "$out/rounds.txt" 2>&1 | tee "$out/summary.txt"
echo "results in $out" >&2

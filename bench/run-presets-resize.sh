#!/usr/bin/env bash
# Resize speed of the service's Pillow port (image.PillowResampler) against Pillow 9.4 itself, side by side on the
# same 4000x3000 RGB image, one thread each, for the resizes the preprocessing presets perform (torchvision and
# Cadene bilinear 256/342 + center crop, facenet bilinear 160x160 squash, timm bicubic 341 + crop for comparison).
#   bench/run-presets-resize.sh            ROUNDS=2 ITERATIONS=15 WARMUP=5 by default (environment variables)
# Each round runs the Java side, then the Pillow side; the summary keeps each side's best time over all rounds and
# checks that both produced the same bytes (MD5). Needs /usr/bin/python3 with python3-pil and python3-numpy.
# Output: bench/results/presets/<UTC time>/{resize.txt,summary.txt}; extra Maven flags in MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-2}"; iterations="${ITERATIONS:-15}"; warmup="${WARMUP:-5}"
w=4000; h=3000
out="bench/results/presets/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
./mvnw -q -B ${MAVEN_ARGS:-} -Pbench -Djacoco.skip=true test-compile >&2
img="${TMPDIR:-/tmp}/inception-classifier-bench/synthetic_${w}x${h}.rgb"
mkdir -p "$(dirname "$img")"
[ -f "$img" ] || /usr/bin/python3 bench/presets/pillow_resize.py generate "$img" "$w" "$h"
java_cmd=(java ${BENCH_JAVA_OPTS:--Xmx1g} -cp target/classes:target/test-classes
  dev.inceptionclassifier.image.ResizeBenchmark "$img" "$w" "$h" "$iterations" "$warmup")
py_cmd=(env OMP_NUM_THREADS=1 /usr/bin/python3 bench/presets/pillow_resize.py time "$img" "$w" "$h" "$iterations"
  "$warmup")
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $(java -version 2>&1 | head -1); Pillow $(/usr/bin/python3 -c 'import PIL; print(PIL.__version__)')"
  echo "# image ${w}x${h} synthetic pattern; rounds=$rounds iterations=$iterations warmup=$warmup"
  echo "# java:   ${java_cmd[*]}"
  echo "# pillow: ${py_cmd[*]}"
  for r in $(seq 1 "$rounds"); do
    "${java_cmd[@]}" | sed "s/^RESULT /RESULT round=$r /"
    "${py_cmd[@]}" | sed "s/^RESULT /RESULT round=$r /"
  done
} | tee "$out/resize.txt"
/usr/bin/python3 - "$out/resize.txt" <<'PY' | tee "$out/summary.txt"
import re, sys
best, md5 = {}, {}
for line in open(sys.argv[1]):
    if line.startswith("RESULT"):
        f = dict(kv.split("=", 1) for kv in line.split()[1:])
        key = (f["case"], f["impl"])
        best[key] = min(best.get(key, float("inf")), float(f["best_ms"]))
        md5.setdefault(f["case"], {}).setdefault(f["impl"], set()).add(f["md5"])
print(f"{'case':<18}{'java ms':>9}{'pillow ms':>11}{'java/pillow':>13}  same bytes")
for case in dict.fromkeys(c for c, _ in best):
    j, p = best[(case, "java")], best[(case, "pillow")]
    same = "yes" if md5[case]["java"] == md5[case]["pillow"] and len(md5[case]["java"]) == 1 else "NO"
    print(f"{case:<18}{j:>9.2f}{p:>11.2f}{j / p:>13.2f}  {same}")
PY
echo "results in $out" >&2

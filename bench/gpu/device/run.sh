#!/usr/bin/env bash
# The device side of bench/gpu/device-check.sh: runs from the carried bundle (this script's folder) and leaves
# $OUT/device-check.md, $OUT/device-check.json and $OUT/device-check.log. Every step runs under its own time limit and
# a step that fails is reported, never fatal.
#   OUT=/some/dir bench/gpu/target/bundle/run.sh             on the device (CUDA, fp16, timm installed)
#   OUT=/some/dir bench/gpu/target/bundle/run.sh --dry-run   on a CPU (Debian python3-torch, bf16, short timings)
# Environment: DEVICE_CHECK_BUDGET_S (total seconds, default 500), PYTHON (default python3; /usr/bin/python3 in a dry
# run), TIMM_PATH (added to PYTHONPATH), DRY_RUN_CONTROL_LIBTORCH (dry run: also try DJL against this libtorch dir).
set -uo pipefail
B="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE=device
[ "${1:-}" = --dry-run ] && MODE=dry-run
: "${OUT:?set OUT to the folder for the results}"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
START=$(date +%s)
BUDGET=${DEVICE_CHECK_BUDGET_S:-500}
exec > >(tee -a "$OUT/device-check.log") 2>&1
left() { echo $((START + BUDGET - $(date +%s))); }
say() { echo "## $(date -u +%H:%M:%S) [$(( $(date +%s) - START ))s] $*"; }

if [ "$MODE" = dry-run ]; then
  # a CPU runs one image of these networks in seconds: batch 1 only, one timed run after the graph executor's
  # two profiling runs, so that every architecture and every step still runs within a few minutes
  PY=${PYTHON:-/usr/bin/python3}; DEVICE=cpu; LOW=bf16; BATCHES=1; SECONDS_PER=0.1; WARMUP=2; MIN_ITERS=1
  THREADS=1,2,4; DECODE_SECONDS=2; FLAVOR=cpu; DJL_DEVICE=cpu; DJL_PRECISIONS=fp32; DJL_BATCHES=1
  PY_THREADS=$(nproc); S1=$((BUDGET * 60 / 100))
else
  PY=${PYTHON:-python3}; DEVICE=cuda; LOW=fp16; BATCHES=1,8,32,128,256; SECONDS_PER=0.5; WARMUP=5; MIN_ITERS=3
  THREADS=1,4,8,16; DECODE_SECONDS=3; FLAVOR=cu128; DJL_DEVICE=gpu; DJL_PRECISIONS=fp16,fp32; DJL_BATCHES=1,8,32,128,256
  PY_THREADS=0; S1=$((BUDGET * 45 / 100))
fi
[ -n "${TIMM_PATH:-}" ] && export PYTHONPATH="$TIMM_PATH${PYTHONPATH:+:$PYTHONPATH}"
JAVA="$B/jre/bin/java"
# the jlinked runtime's ImageIO JPEG codec and colour management need these Debian libraries; carried, not assumed
export LD_LIBRARY_PATH="$B/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

say "device check, mode $MODE, budget ${BUDGET}s, bundle $B"
{
  echo "mode=$MODE"; echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "host=$(uname -srm)"; echo "cores=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "memory_gib=$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)"
  echo "python=$(command -v "$PY") $("$PY" -c 'import sys;print(sys.version.split()[0])' 2>&1)"
  echo "java=$("$JAVA" -version 2>&1 | head -1)"
  echo "bundle_bytes=$(du -sb "$B" | cut -f1)"; echo "jre_bytes=$(du -sb "$B/jre" | cut -f1)"
  echo "gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
} > "$WORK/env.txt"
cat "$WORK/env.txt"

say "step 1: compiled program (up to ${S1}s)"
timeout -k 10 "$S1" "$PY" -u "$B/device/compiled_check.py" --bundle "$B" --out "$WORK/step1.jsonl" --device "$DEVICE" \
  --low "$LOW" --batches "$BATCHES" --seconds "$SECONDS_PER" --warmup "$WARMUP" --min-iters "$MIN_ITERS" \
  --threads "$PY_THREADS" --deadline $(( $(date +%s) + S1 - 25 ))
echo "step1_rc=$?" >> "$WORK/env.txt"

say "step 2: decode + preprocess on the CPU"
timeout -k 5 $(( $(left) > 150 ? 120 : 60 )) "$JAVA" -Xmx4g -cp "$B/java/image-bench.jar:$B/java/image-lib/*" \
  dev.inceptionclassifier.bench.gpu.DecodeThroughput --threads "$THREADS" --seconds "$DECODE_SECONDS" \
  --decoders auto,imageio --turbojpeg-jar "$B/native/turbojpeg.jar" --turbojpeg-lib "$B/native/libturbojpeg.so.0" \
  > "$WORK/step2.txt" 2>&1
echo "step2_rc=$?" >> "$WORK/env.txt"
cat "$WORK/step2.txt"

# step 3: DJL's JNI against a libtorch; $1 label, $2 libtorch dir, $3 version, $4 flavor, $5 device
djl_probe() {
  local label=$1 lib=$2 version=$3 flavor=$4 dev=$5
  local cache="$WORK/djl-cache-$label"
  local dir="$cache/pytorch/$version-$flavor-linux-x86_64"
  mkdir -p "$dir"
  # DJL looks for <cache>/pytorch/<PYTORCH_VERSION>-<flavor>-<classifier>/<djl version>-libdjl_torch.so before it
  # would download (offline: fail); its own jar check refuses a libtorch other than 2.7.1, so extract it here
  "$PY" - "$B/java/lib/pytorch-jni-2.7.1-0.36.0.jar" "jnilib/linux-x86_64/$flavor/libdjl_torch.so" \
      "$dir/0.36.0-libdjl_torch.so" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], 'wb') as f:
    f.write(z.read(sys.argv[2]))
EOF
  say "step 3 ($label): DJL 0.36 $flavor JNI against $lib (PYTORCH_VERSION=$version)"
  # the libtorch folder also goes on LD_LIBRARY_PATH: where its files are symbolic links to versioned sonames
  # (Debian), DJL's System.load by path does not satisfy the JNI library's DT_NEEDED libc10.so without it
  LD_LIBRARY_PATH="$lib:$LD_LIBRARY_PATH" \
  ENGINE_CACHE_DIR="$cache" PYTORCH_LIBRARY_PATH="$lib" PYTORCH_VERSION="$version" PYTORCH_FLAVOR="$flavor" \
    timeout -k 5 "$6" "$JAVA" -Xmx8g -XX:ErrorFile="$OUT/djl-$label-hs_err.log" -Dai.djl.offline=true -cp "$B/java/djl-probe.jar:$B/java/lib/*" \
    dev.inceptionclassifier.bench.gpu.DjlProbe --device "$dev" --precisions "$DJL_PRECISIONS" \
    --batches "$DJL_BATCHES" --seconds 1.5 > "$WORK/step3-$label.txt" 2>&1
  local rc=$?
  echo "DJL_EXIT label=$label rc=$rc" >> "$WORK/step3-$label.txt"
  local sym
  sym="$(grep -o 'first_unresolved_symbol=[^ ]*' "$WORK/step3-$label.txt" | head -1 | cut -d= -f2)"
  if [ -n "$sym" ] && [ "$sym" != none ] && command -v c++filt >/dev/null; then
    echo "# demangled: $(c++filt "$sym")" >> "$WORK/step3-$label.txt"
  fi
  grep -v '^\s*at ' "$WORK/step3-$label.txt" | head -40
}
TORCH_LIB="$("$PY" -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))' 2>/dev/null)"
TORCH_VERSION="$("$PY" -c 'import torch;print(torch.__version__.split("+")[0])' 2>/dev/null)"
S3=$(( $(left) - 60 )); [ "$S3" -gt 150 ] && S3=150; [ "$S3" -lt 30 ] && S3=30
djl_probe device-libtorch "$TORCH_LIB" "$TORCH_VERSION" "$FLAVOR" "$DJL_DEVICE" "$S3"
if [ "$MODE" = dry-run ] && [ -n "${DRY_RUN_CONTROL_LIBTORCH:-}" ]; then
  # control: the libtorch this JNI was built for, so that the probe's benchmark path runs at least here
  djl_probe control-libtorch-2.7.1 "$DRY_RUN_CONTROL_LIBTORCH" 2.7.1 cpu cpu 120
fi

FIRST=$("$PY" -c 'import json,sys;print(json.load(open(sys.argv[1]))["architectures"][0]["name"])' "$B/manifest.json")
S4=$(( $(left) - 25 ))
if [ "$S4" -ge 45 ]; then
  say "step 1b: timm torch.compile anchor for $FIRST (up to ${S4}s)"
  timeout -k 10 "$S4" "$PY" -u "$B/device/compiled_check.py" --bundle "$B" --out "$WORK/step1.jsonl" \
    --device "$DEVICE" --low "$LOW" --batches "$( [ "$MODE" = dry-run ] && echo 1 || echo 256,32,1 )" \
    --seconds "$SECONDS_PER" --warmup 3 --threads "$PY_THREADS" --compile-anchor "$FIRST" \
    --deadline $(( $(date +%s) + S4 - 15 ))
  echo "step1b_rc=$?" >> "$WORK/env.txt"
else
  echo "{\"kind\": \"skipped\", \"arch\": \"$FIRST\", \"subject\": \"timm torch.compile\", \"reason\": \"skipped: ${S4}s left in the budget\"}" >> "$WORK/step1.jsonl"
fi

say "report"
"$PY" "$B/device/report.py" --work "$WORK" --out "$OUT" --mode "$MODE"
say "done"
rm -rf "$WORK"

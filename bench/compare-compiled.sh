#!/usr/bin/env bash
# Every row of issue 9's table side by side in one run, for each architecture, each row in a fresh process:
#   eager fp32 (today's engine: DJL blocks op by op, BN folded)   bench/run-engine.sh --execution eager
#   compiled fp32 (the project's TorchScript program)              bench/run-engine.sh --execution compiled
#   timm traced to TorchScript, fp32, run by DJL                   bench/run-engine.sh --torchscript timm-<arch>-fp32.pt
#   Python eager, timm, Debian python3-torch, fp32                 bench/python/timm_eager.py
#   compiled bf16 (weights and activations bf16, channels-last)    bench/run-engine.sh --precision bf16
#   timm traced, bf16 channels-last, run by DJL                    bench/run-engine.sh --torchscript timm-<arch>-bf16.pt
# Every row computes with the same weights: timm's random initial ones, exported with its TorchScript files.
# Then the compiled program against timm's TorchScript interleaved in one process (run-engine.sh --versus), where
# both see the same load, and a table with the ratios the targets are stated in (bench/python/engine_table.py).
# Needs a timm source checkout
# (tested: v0.9.16) and Debian's /usr/bin/python3 with python3-torch; nothing is downloaded.
#
#   bench/compare-compiled.sh --timm /path/to/pytorch-image-models [--archs inception_v4,inception_resnet_v2]
#       [--batches 1,8] [--seconds 20] [--threads 2] [--rounds 1] [--workdir /tmp/timm-torchscript]
#
# --rounds N runs all rows N times, one round after the other; the table then gives each row's best round (on a busy
# machine the best round is the one least disturbed by other work).
#
# Writes bench/results/compiled/<UTC time>/: one log per row, engine-lines.txt (every ENGINE line) and table.md.
# Java rows run with a pre-touched 2 GiB heap (BENCH_JAVA_OPTS), so their "load RSS" is the model's native memory.
# The exported timm files (170 to 225 MB each) go to --workdir, outside the repository, and are reused.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

timm="" archs="inception_v4,inception_resnet_v2" batches="1,8" seconds=20 threads="$(nproc)" rounds=1
workdir="${TMPDIR:-/tmp}/timm-torchscript"
python="${PYTHON:-/usr/bin/python3}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --timm) timm="$2" ;;
    --archs) archs="$2" ;;
    --batches) batches="$2" ;;
    --seconds) seconds="$2" ;;
    --threads) threads="$2" ;;
    --workdir) workdir="$2" ;;
    --rounds) rounds="$2" ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -n "$timm" ]] || { echo "--timm /path/to/pytorch-image-models is required" >&2; exit 2; }
timm="$(cd "$timm" && pwd)"

out="bench/results/compiled/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out" "$workdir"
note() { echo "$*" | tee -a "$out/run.txt" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

note "compare-compiled on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs))," \
  "bf16 flags: $(grep -m1 -o -w 'avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
note "commit $(git rev-parse --short HEAD) (uncommitted: $(git status --short | wc -l) files);" \
  "timm $(git -C "$timm" describe --tags 2>/dev/null || echo "$timm"); threads $threads; batches $batches;" \
  "$seconds s per batch size; $rounds round(s); load average $(loadavg)"

./mvnw -q -B ${MAVEN_ARGS:-} -Pbench -Djacoco.skip=true test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
export BENCH_SKIP_BUILD=1
# A heap committed and touched up front, so that the RSS growth a row reports is what the model holds natively.
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch}"

row() {  # name, then the command
  local name="$1"; shift
  note ""
  note "== $name: $* (load average $(loadavg))"
  "$@" 2> "$out/$name.log" | tee "$out/$name.txt"
  grep '^ENGINE \|^VERSUS ' "$out/$name.txt" >> "$out/engine-lines.txt" || true
}

IFS=',' read -ra arch_list <<< "$archs"
for arch in "${arch_list[@]}"; do
  if [[ ! -f "$workdir/timm-$arch-fp32.pt" || ! -f "$workdir/timm-$arch-bf16.pt" \
        || ! -f "$workdir/timm-$arch.safetensors" ]]; then
    note "exporting timm's $arch to $workdir"
    OMP_NUM_THREADS="$threads" "$python" bench/python/export_timm_torchscript.py --timm "$timm" --arch "$arch" \
      --out "$workdir" >&2
  fi
done
for round in $(seq 1 "$rounds"); do
  for arch in "${arch_list[@]}"; do
    common=(--arch "$arch" --batches "$batches" --seconds "$seconds" --threads "$threads")
    same=(--weights "$workdir/timm-$arch.safetensors")
    r="r$round-$arch"
    row "$r-eager-fp32" bench/run-engine.sh "${common[@]}" "${same[@]}" --execution eager --precision fp32 --bn folded
    row "$r-compiled-fp32" bench/run-engine.sh "${common[@]}" "${same[@]}" --execution compiled --precision fp32
    row "$r-timm-torchscript-fp32" bench/run-engine.sh "${common[@]}" \
      --torchscript "$workdir/timm-$arch-fp32.pt" --label timm-torchscript --precision fp32
    row "$r-python-eager-fp32" "$python" bench/python/timm_eager.py --timm "$timm" "${common[@]}"
    row "$r-compiled-bf16" bench/run-engine.sh "${common[@]}" "${same[@]}" --execution compiled --precision bf16
    row "$r-timm-torchscript-bf16" bench/run-engine.sh "${common[@]}" \
      --torchscript "$workdir/timm-$arch-bf16.pt" --label timm-torchscript --precision bf16
  done
done
# The same comparisons interleaved in one process: both networks see the same load, whatever the machine does.
for arch in "${arch_list[@]}"; do
  for precision in fp32 bf16; do
    row "versus-$arch-$precision" bench/run-engine.sh --arch "$arch" --batches "$batches" --seconds "$seconds" \
      --threads "$threads" --weights "$workdir/timm-$arch.safetensors" --execution compiled --precision "$precision" \
      --versus "$workdir/timm-$arch-$precision.pt" --label timm-torchscript
  done
done

"$python" bench/python/engine_table.py "$out/engine-lines.txt" | tee "$out/table.md"
note ""
note "done, load average $(loadavg); results in $out"

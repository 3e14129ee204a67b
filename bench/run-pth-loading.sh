#!/usr/bin/env bash
# Needs Debian python3-torch and python3-torchvision (to write the checkpoint).
# Time and memory of reading a .pth checkpoint the size of Inception-v3's (23.9 M float32 values, 95.5 MB) with
# PthReader, zip and legacy formats, side by side in one run with SafetensorsReader on the same tensors and with
# torch.load(weights_only=True) (Debian python3-torch). Each Java figure comes from a fresh JVM; the smallest -Xmx that
# reads the file is found by trying a ladder of heap sizes. Output: bench/results/pth-loading/<UTC time>/.
#   bench/run-pth-loading.sh            (REPEATS=5 reads per JVM; XMX_LADDER="96 104 112 128 160 192 256 384")
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
repeats="${REPEATS:-5}"
ladder="${XMX_LADDER:-96 104 112 128 160 192 256 384}"
out="bench/results/pth-loading/$(date -u +%Y%m%dT%H%M%SZ)"
work="${TMPDIR:-/tmp}/inception-classifier-bench/pth-loading"
mkdir -p "$out" "$work"
{
  echo "command: bench/run-pth-loading.sh (REPEATS=$repeats XMX_LADDER=\"$ladder\")"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
  echo "java: $(java -version 2>&1 | head -1)"
} | tee "$out/run.txt"
OMP_NUM_THREADS=1 /usr/bin/python3 bench/pth-loading/make_checkpoints.py "$work" | tee -a "$out/run.txt"
./mvnw -q -B ${MAVEN_ARGS:-} -Pbench -Djacoco.skip=true test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
bench() { java "$1" -cp "$cp" dev.inceptionclassifier.bench.PthLoadBenchmark "${@:2}"; }
for spec in "pth inception_v3.zip.pth" "pth inception_v3.legacy.pth" "safetensors inception_v3.safetensors"; do
  set -- $spec
  bench -Xmx1g "$1" "$work/$2" "$repeats" | tee -a "$out/run.txt"
  # the smallest heap of the ladder that reads the file, with that run's figures (one read)
  fits="reader=$1 file=$2 smallest_heap=none of: $ladder"
  for mib in $ladder; do
    if line="$(bench "-Xmx${mib}m" "$1" "$work/$2" 1 2>/dev/null)"; then fits="smallest_heap=-Xmx${mib}m $line"; break; fi
  done
  echo "$fits" | tee -a "$out/run.txt"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a "$out/run.txt"

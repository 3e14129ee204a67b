#!/usr/bin/env bash
# GPU device check (issue 14): builds the bundle that one `run` call carries to the device machine, then either
# prints that call or, with --dry-run, runs the bundle's device script here on the CPU. See bench/README.md,
# section "GPU device check".
#   bench/gpu/device-check.sh                      build bench/gpu/target/bundle and print the run invocation
#   bench/gpu/device-check.sh --dry-run [--timm /path/to/pytorch-image-models] [--out DIR]
#                                                  build, then run it here: CPU, Debian python3-torch, bf16, short
#                                                  timings; results to bench/results/gpu-dry-run/<UTC time>/
# The bundle holds no weights: the TorchScript programs (a few tens of KB each), a manifest with the public fixture's
# formula inputs and expected outputs, the device-side scripts, two small jars with their libraries, a jlinked Java
# runtime, and the TurboJPEG / libjpeg / lcms2 libraries the runtime's image code loads. It fails above 60 MiB.
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS; REFERENCE overrides ../shared/reference.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

DRY=0
TIMM=""
OUT_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1; shift ;;
    --timm) TIMM="$2"; shift 2 ;;
    --out) OUT_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
REFERENCE="${REFERENCE:-$root/../shared/reference}"
MAX_BUNDLE=$((60 * 1024 * 1024))
G=bench/gpu/target
BUNDLE=$G/bundle

echo "== building the project's classes" >&2
./mvnw -q -B ${MAVEN_ARGS:-} -Djacoco.skip=true compile dependency:build-classpath \
  -Dmdep.outputFile=target/gpu-classpath.txt >&2
CP="$(cat target/gpu-classpath.txt)"
jar_of() { tr ':' '\n' <<<"$CP" | grep -E "$1" | head -1; }
rm -rf "$G/classes" "$BUNDLE"
mkdir -p "$G/classes" "$BUNDLE/programs" "$BUNDLE/java/lib" "$BUNDLE/java/image-lib" "$BUNDLE/native" \
  "$BUNDLE/device"
javac -d "$G/classes" -cp "target/classes:$CP" bench/gpu/java/dev/inceptionclassifier/bench/gpu/*.java

echo "== programs and manifest (every Architecture, weightless)" >&2
java -cp "$G/classes:target/classes:$CP" dev.inceptionclassifier.bench.gpu.BundleWriter --reference "$REFERENCE" \
  --out "$BUNDLE"

echo "== jars" >&2
# image-bench.jar: the image package and the decode benchmark only; its libraries are TwelveMonkeys'
jar --create --file "$BUNDLE/java/image-bench.jar" -C target/classes dev/inceptionclassifier/image \
  -C "$G/classes" dev/inceptionclassifier/bench/gpu/DecodeThroughput.class
for j in $(tr ':' '\n' <<<"$CP" | grep /com/twelvemonkeys/); do cp "$j" "$BUNDLE/java/image-lib/"; done
# djl-probe.jar: the model package (the compiled program's loader) and the probe; DJL api, the PyTorch engine and
# its JNI jar (no native CPU jar: libtorch is the device's), and what DJL's api needs to start
jar --create --file "$BUNDLE/java/djl-probe.jar" -C target/classes dev/inceptionclassifier/model \
  -C "$G/classes" dev/inceptionclassifier/bench/gpu/DjlProbe.class \
  -C "$G/classes" 'dev/inceptionclassifier/bench/gpu/DjlProbe$ArrayTranslator.class'
for pattern in '/ai/djl/api/' '/ai/djl/pytorch/pytorch-engine/' '/ai/djl/pytorch/pytorch-jni/' \
    '/com/google/code/gson/gson/' '/net/java/dev/jna/jna/' '/org/slf4j/slf4j-api/'; do
  j="$(jar_of "$pattern")"
  [ -n "$j" ] || { echo "no jar matching $pattern on the class path" >&2; exit 1; }
  cp "$j" "$BUNDLE/java/lib/"
done
[ -f "$BUNDLE/java/lib/pytorch-jni-2.7.1-0.36.0.jar" ] || { echo "expected pytorch-jni-2.7.1-0.36.0.jar" >&2; exit 1; }

echo "== jlinked runtime" >&2
MODULES="$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 "$BUNDLE/java/image-bench.jar" \
  "$BUNDLE/java/djl-probe.jar" "$BUNDLE"/java/image-lib/*.jar "$BUNDLE"/java/lib/*.jar 2>/dev/null | tail -1)"
echo "modules: $MODULES" >&2
# headless image code: no X11 peer, splash screen, sound or Java-AWT-native bridge
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjsound.so,**/libjawt.so' --output "$BUNDLE/jre"
# Debian's libjvm.so keeps its symbol table; the dynamic symbols are all a JVM needs
command -v strip >/dev/null && strip --strip-unneeded "$BUNDLE/jre/lib/server/libjvm.so"

echo "== native libraries the image code loads" >&2
lib() { local f; f="$(readlink -f "$1" 2>/dev/null || true)"; if [ -f "$f" ]; then cp "$f" "$BUNDLE/native/$2";
  else echo "warning: $1 not found; the device will report what is missing" >&2; fi; }
lib /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 libturbojpeg.so.0
lib /usr/share/java/turbojpeg.jar turbojpeg.jar
lib /usr/lib/x86_64-linux-gnu/libjpeg.so.62 libjpeg.so.62
lib /usr/lib/x86_64-linux-gnu/liblcms2.so.2 liblcms2.so.2

cp bench/gpu/device/run.sh "$BUNDLE/run.sh"
cp bench/gpu/device/compiled_check.py bench/gpu/device/report.py "$BUNDLE/device/"
chmod +x "$BUNDLE/run.sh"

size=$(du -sb "$BUNDLE" | cut -f1)
jre=$(du -sb "$BUNDLE/jre" | cut -f1)
printf 'bundle %s: %.1f MiB (%d bytes); jlinked runtime %.1f MiB; programs %s\n' "$BUNDLE" \
  "$(echo "$size / 1048576" | bc -l)" "$size" "$(echo "$jre / 1048576" | bc -l)" \
  "$(cd "$BUNDLE/programs" && ls -l | awk 'NR>1 {printf "%s %d B  ", $9, $5}')"
du -sh "$BUNDLE"/* | sed 's/^/  /'
if [ "$size" -gt "$MAX_BUNDLE" ]; then
  echo "bundle is over 60 MiB: not sending it" >&2
  exit 1
fi

if [ "$DRY" = 0 ]; then
  cat <<EOF

Bundle ready. One call of the device tool's run (the machine has no Java and no network; everything is carried):
  command:   chmod -R u+x bench/gpu/target/bundle/jre/bin && bash bench/gpu/target/bundle/run.sh
  carry:     ["bench/gpu/target/bundle"]
  timeout_s: 540
Results come back as \$OUT/device-check.md, device-check.json and device-check.log.
EOF
  exit 0
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
OUT_DIR="${OUT_DIR:-bench/results/gpu-dry-run/$stamp}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
control=""
for d in "$HOME"/.djl.ai/pytorch/2.7.1-*-cpu-linux-x86_64; do
  [ -f "$d/libtorch.so" ] && control="$d"
done
echo "== dry run: OUT=$OUT_DIR timm=${TIMM:-none} control libtorch=${control:-none}" >&2
OUT="$OUT_DIR" TIMM_PATH="$TIMM" DRY_RUN_CONTROL_LIBTORCH="$control" DEVICE_CHECK_BUDGET_S="${DEVICE_CHECK_BUDGET_S:-600}" \
  bash "$BUNDLE/run.sh" --dry-run
echo "results in $OUT_DIR" >&2

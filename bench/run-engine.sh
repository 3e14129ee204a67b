#!/usr/bin/env bash
# The in-process engine benchmark (no HTTP): compiles the project and bench/engine/java with the 'bench' Maven profile,
# then runs EngineBenchmark with java on the test class path. Arguments go to the benchmark; --help lists them:
#   bench/run-engine.sh --arch inception_v4 --batches 1,4,8 --seconds 20 --bn both
#   bench/run-engine.sh --arch inception_v4 --batches 1,8 --execution compiled --precision bf16
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS; JVM flags in BENCH_JAVA_OPTS (default -Xmx2g). BENCH_SKIP_BUILD=1
# reuses the last build (bench/compare-compiled.sh builds once, then runs this many times).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f target/bench-classpath.txt ]]; then
  ./mvnw -q -B ${MAVEN_ARGS:-} -Pbench -Djacoco.skip=true test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
fi
exec java ${BENCH_JAVA_OPTS:--Xmx2g} -Dai.djl.offline=true -Dlogback.configurationFile=bench/engine/logback.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.inceptionclassifier.bench.EngineBenchmark "$@"

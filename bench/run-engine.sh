#!/usr/bin/env bash
# The in-process engine benchmark (no HTTP): compiles the project and bench/engine with the 'bench' Maven profile and
# runs EngineBenchmark on the test class path. Arguments go to the benchmark; --help lists them. Example:
#   bench/run-engine.sh --arch inception_v4 --batches 1,4,8 --seconds 20 --bn both
# Extra Maven flags (e.g. -o) go in MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
exec ./mvnw -q -B ${MAVEN_ARGS:-} -Pbench -Djacoco.skip=true test-compile exec:exec@engine-bench \
  -Dbench.args="$*"

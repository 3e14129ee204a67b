#!/usr/bin/env bash
# Builds the load generator (bench/pom.xml, through the project's Maven wrapper) when its sources changed, then runs
# it. Every argument goes to the load generator; --help lists them. Examples:
#   bench/run-load.sh --url http://127.0.0.1:8080 --mode closed --concurrency 16 --duration 60s
#   bench/run-load.sh --mode open --rate 2 --duration 60s --images ~/photos
#   bench/run-load.sh --mode soak --requests 10000 --concurrency 8
# Extra Maven flags (e.g. -o for offline) go in MAVEN_ARGS; JVM flags of the generator in BENCH_JAVA_OPTS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/load-generator.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/bench/src/main" "$root/bench/pom.xml" -newer "$jar" -print -quit)" ]]; then
  "$root/mvnw" -q -B ${MAVEN_ARGS:-} -f "$root/bench/pom.xml" -DskipTests package >&2
fi
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$jar" "$@"

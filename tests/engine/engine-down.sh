#!/usr/bin/env bash
# Clean up after the end-to-end tests and stop the engine if engine-up.sh
# started it.
#
# Removes only what the tests made: containers, networks and volumes that
# carry the org.berth.e2e label or whose name starts with berth-e2e- (this
# includes Compose projects named berth-e2e-*), and leftover stand-in build
# containers. dockerd is stopped only when the state file written by
# engine-up.sh says that engine-up.sh started it.
#
# Usage: engine-down.sh [--keep-engine]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

STATE_FILE=${BERTH_ENGINE_STATE:-/run/berth-engine.state}
KEEP_ENGINE=
case ${1:-} in
  --keep-engine) KEEP_ENGINE=1 ;;
  "") ;;
  *) echo "usage: $0 [--keep-engine]" >&2; exit 2 ;;
esac

log() { printf 'engine-down: %s\n' "$*"; }

# Names of the objects of KIND (container, network, volume) the tests made.
e2e_objects() {
  local list fmt='{{.Name}}'
  case $1 in
    container) list=(ps -a) fmt='{{.Names}}' ;;
    network) list=(network ls) ;;
    volume) list=(volume ls) ;;
  esac
  {
    "$DOCKER" "${list[@]}" --filter "label=$E2E_LABEL" --format "$fmt"
    "$DOCKER" "${list[@]}" --format "$fmt" | grep -E "^(${E2E_PREFIX}|berth-standin-build-)" || true
  } | sort -u
}

cleanup_objects() {
  local ids
  ids=$(e2e_objects container)
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086  # one name per word
    "$DOCKER" rm -f -v $ids >/dev/null
    log "removed $(wc -w <<<"$ids") container(s)"
  fi
  ids=$(e2e_objects network)
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086
    "$DOCKER" network rm $ids >/dev/null
    log "removed $(wc -w <<<"$ids") network(s)"
  fi
  ids=$(e2e_objects volume)
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086
    "$DOCKER" volume rm $ids >/dev/null
    log "removed $(wc -w <<<"$ids") volume(s)"
  fi
}

stop_engine() {
  local started=0 pid='' i
  if [[ -f $STATE_FILE ]]; then
    started=$(sed -n 's/^started_by_berth=//p' "$STATE_FILE")
    pid=$(sed -n 's/^pid=//p' "$STATE_FILE")
  fi
  if [[ $started != 1 ]]; then
    log "engine not started by engine-up.sh: leaving it running"
    rm -f "$STATE_FILE"
    return 0
  fi
  if [[ -n $pid && $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "dockerd (pid $pid) still running after 30s"
      return 1
    fi
  else
    log "dockerd (pid ${pid:-?}) is no longer running"
  fi
  rm -f "$STATE_FILE"
}

if "$DOCKER" info >/dev/null 2>&1; then
  cleanup_objects
fi
if [[ -z $KEEP_ENGINE ]]; then
  stop_engine
fi

#!/usr/bin/env bash
# Interrupting `berth verify` on a real Docker engine removes everything it created: containers,
# networks, volumes and images. Each stop signal is sent once the stack runs:
#   INT  to the whole process group, as Ctrl-C at a terminal does;
#   TERM to berth alone, as `kill`, `timeout` or a service manager does;
#   HUP  to berth alone, as a closed terminal does.
# Needs a running engine and the stand-in images (e2e.sh brings both up); starts and stops
# nothing else, so it can also be run on its own: tests/engine/interrupt.sh [BERTH [WORKDIR]].
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

berth=${1:-}
if [[ -z $berth ]]; then
  cargo build --quiet --manifest-path "$REPO/Cargo.toml"
  berth="$REPO/target/debug/berth"
fi
work=${2:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# What one verify run left behind, one line per object. Its names start with the project name
# and berth's pid, so runs of the same project by someone else are not counted.
leftovers() {
  local name=berth-verify-$1-$2-
  "$DOCKER" ps -a --filter "name=$name" --format 'container {{.Names}}'
  "$DOCKER" network ls --filter "name=$name" --format 'network {{.Name}}'
  "$DOCKER" volume ls --filter "name=$name" --format 'volume {{.Name}}'
  "$DOCKER" images --format 'image {{.Repository}}' | grep "^image $name" || true
}

failed=0
for signal in INT TERM HUP; do
  name=interrupt-${signal,,}
  log="$work/$name.log"
  "$berth" new "$work/$name" --preset minimal -y --name "$name" >/dev/null
  # In a session of its own, so that a group signal reaches berth and its docker commands only.
  setsid env BERTH_DOCKER="$DOCKER" "$berth" verify "$work/$name" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 240); do
    grep -q "stack.up" "$log" && break
    sleep 1
  done
  started=$(now)
  if [[ $signal == INT ]]; then
    kill -INT -- "-$pid"
  else
    kill "-$signal" "$pid"
  fi
  rc=0
  wait "$pid" || rc=$?
  took=$(($(now) - started))
  left=$(leftovers "$name" "$pid")
  tail -n 2 "$log" | sed 's/^/  /'
  if [[ $rc == 2 && -z $left ]] && grep -q "stack.up" "$log" && grep -q "^error: interrupted" "$log"; then
    printf '%-18s %-6s exit %s, cleaned up %ss after SIG%s\n' "$name" ok "$rc" "$took" "$signal"
  else
    printf '%-18s %-6s exit %s after SIG%s, leftovers: %s\n' "$name" FAILED "$rc" "$signal" "${left//$'\n'/, }"
    failed=1
  fi
done
exit "$failed"

#!/usr/bin/env bash
# End-to-end: on a real Docker engine, generate every built-in preset with `berth new -y` and
# prove it with `berth verify`. Installs and starts the engine and the stand-in base images
# (skipped where BERTH_E2E_REGISTRY=1 pulls the real ones), and stops what it started.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

"$HERE/engine-up.sh"
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  "$HERE/engine-down.sh" || true
}
trap cleanup EXIT

"$HERE/standins.sh"

cargo build --quiet --manifest-path "$REPO/Cargo.toml"
berth="$REPO/target/debug/berth"
mapfile -t presets < <("$berth" presets | awk '{print $1}')

failed=()
summary=()
for preset in "${presets[@]}"; do
  echo "=== $preset"
  started=$(now)
  "$berth" new "$work/$preset" --preset "$preset" -y >/dev/null
  if BERTH_DOCKER="$DOCKER" "$berth" verify "$work/$preset" --format json >"$work/$preset.json"; then
    status=ok
  else
    status=FAILED
    failed+=("$preset")
  fi
  python3 - "$work/$preset.json" <<'PY' || true
import json, sys
report = json.load(open(sys.argv[1]))
for c in report["checks"]:
    first = c["detail"].splitlines()[0] if c["detail"] else ""
    print(f'  {c["status"]:<4}  {c["id"]:<18} {first}')
    if c["status"] == "fail":
        for line in c["detail"].splitlines()[1:]:
            print(f"        {line}")
PY
  summary+=("$(printf '%-18s %-6s %4ss' "$preset" "$status" "$(( $(now) - started ))")")
done

echo "=== interrupt: SIGINT, SIGTERM or SIGHUP while the stack runs removes everything verify created"
if "$HERE/interrupt.sh" "$berth" "$work"; then
  summary+=("$(printf '%-18s %-6s' interrupt ok)")
else
  summary+=("$(printf '%-18s %-6s' interrupt FAILED)")
  failed+=(interrupt)
fi

echo "=== e2e summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "e2e: FAILED: ${failed[*]}"
  exit 1
fi
echo "e2e: all ${#presets[@]} presets verified"

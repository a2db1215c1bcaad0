#!/usr/bin/env bash
# End-to-end: on a real Docker engine, generate every built-in preset with `berth new -y` and
# prove it with `berth verify`, plus two runs with `egress: proxy` (a batch job with a host and a
# domain; an api with one host) whose four egress checks must pass. Installs and starts the
# engine and the stand-in base images (skipped where BERTH_E2E_REGISTRY=1 pulls the real ones),
# and stops what it started.
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
# Each run: a name, then the arguments of `berth new`.
runs=()
for preset in "${presets[@]}"; do runs+=("$preset --preset $preset"); done
runs+=("postgres-etl+proxy --preset postgres-etl --egress proxy --egress-allow api.example.com,.s3.amazonaws.com")
runs+=("api-service+proxy --preset api-service --egress proxy --egress-allow api.example.com")

failed=()
summary=()
for run in "${runs[@]}"; do
  read -r -a args <<<"$run"
  name=${args[0]}
  echo "=== $name"
  started=$(now)
  "$berth" new "$work/$name" --name "${name%%+*}" -y "${args[@]:1}" >/dev/null
  if BERTH_DOCKER="$DOCKER" "$berth" verify "$work/$name" --format json >"$work/$name.json"; then
    status=ok
  else
    status=FAILED
  fi
  # What each kind of project must prove, not merely skip.
  required=()
  [[ $name == *+proxy ]] && required+=(egress.allowed egress.denied egress.direct-blocked egress.private-blocked proxy.capabilities)
  [[ $name == api-service* ]] && required+=(api.loopback-only network.no-egress)
  python3 - "$work/$name.json" "${required[@]}" <<'PY' || status=FAILED
import json, sys
report = json.load(open(sys.argv[1]))
for c in report["checks"]:
    first = c["detail"].splitlines()[0] if c["detail"] else ""
    print(f'  {c["status"]:<4}  {c["id"]:<22} {first}')
    if c["status"] == "fail":
        for line in c["detail"].splitlines()[1:]:
            print(f"        {line}")
passed = {c["id"] for c in report["checks"] if c["status"] == "pass"}
missing = [r for r in sys.argv[2:] if r not in passed]
if missing:
    print(f"  required checks did not pass: {' '.join(missing)}")
    sys.exit(1)
PY
  [[ $status == ok ]] || failed+=("$name")
  summary+=("$(printf '%-20s %-6s %4ss' "$name" "$status" "$(( $(now) - started ))")")
done

echo "=== interrupt: SIGINT, SIGTERM or SIGHUP while the stack runs removes everything verify created"
if "$HERE/interrupt.sh" "$berth" "$work"; then
  summary+=("$(printf '%-20s %-6s' interrupt ok)")
else
  summary+=("$(printf '%-20s %-6s' interrupt FAILED)")
  failed+=(interrupt)
fi

echo "=== e2e summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "e2e: FAILED: ${failed[*]}"
  exit 1
fi
echo "e2e: all ${#presets[@]} presets and the egress runs verified"

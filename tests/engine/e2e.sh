#!/usr/bin/env bash
# End-to-end: on a real Docker engine, generate every built-in preset with `berth new -y` and
# prove it with `berth verify`. Installs and starts the engine and the stand-in base images
# (skipped where BERTH_E2E_REGISTRY=1 pulls the real ones), and stops what it started.
#
# One preset (IMAGE_PRESET) is verified as the ci_verify job does it: its image is built with
# `docker build` first and checked with `berth verify --image`, through a TCP endpoint to the
# engine (tcp-endpoint.py), so the checks that connect to published ports run from the engine's
# host as they do against CI's docker-in-docker service.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

"$HERE/engine-up.sh"
work=$(mktemp -d)
IMAGE_PRESET=api-service
given_image=${E2E_PREFIX}image-$IMAGE_PRESET
endpoint_pid=
cleanup() {
  [[ -z $endpoint_pid ]] || kill "$endpoint_pid" 2>/dev/null || true
  "$DOCKER" rmi -f "$given_image" >/dev/null 2>&1 || true
  rm -rf "$work"
  "$HERE/engine-down.sh" || true
}
trap cleanup EXIT

"$HERE/standins.sh"

cargo build --quiet --manifest-path "$REPO/Cargo.toml"
berth="$REPO/target/debug/berth"
mapfile -t presets < <("$berth" presets | awk '{print $1}')
# BERTH_E2E_PRESETS="a b" runs only those presets.
[[ -z ${BERTH_E2E_PRESETS:-} ]] || read -ra presets <<<"$BERTH_E2E_PRESETS"

failed=()
summary=()
# The engine's socket as the endpoint the client knows, then the same engine over TCP.
socket=$("$DOCKER" context inspect --format '{{.Endpoints.docker.Host}}')
python3 "$HERE/tcp-endpoint.py" "${socket#unix://}" "$work/endpoint.port" &
endpoint_pid=$!
for _ in $(seq 50); do [[ -s $work/endpoint.port ]] && break; sleep 0.1; done
remote=tcp://127.0.0.1:$(cat "$work/endpoint.port")

for preset in "${presets[@]}"; do
  started=$(now)
  "$berth" new "$work/$preset" --preset "$preset" -y >/dev/null
  verify=(verify "$work/$preset" --format json)
  engine=()
  if [[ $preset == "$IMAGE_PRESET" ]]; then
    echo "=== $preset (--image, built first; engine reached at $remote)"
    DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$given_image" "$work/$preset" >/dev/null
    verify+=(--image "$given_image")
    engine=(DOCKER_HOST="$remote")
  else
    echo "=== $preset"
  fi
  if env "${engine[@]}" BERTH_DOCKER="$DOCKER" "$berth" "${verify[@]}" >"$work/$preset.json"; then
    status=ok
  else
    status=FAILED
    failed+=("$preset")
  fi
  if [[ $preset == "$IMAGE_PRESET" ]] && ! python3 - "$work/$preset.json" "$given_image" <<'PY'; then
import json, sys
report, image = json.load(open(sys.argv[1])), sys.argv[2]
checks = {c["id"]: c for c in report["checks"]}
problems = []
if report["image"] != image or checks["build"]["status"] != "skip":
    problems.append("verify built an image instead of checking " + image)
for id in ("db.not-published", "api.loopback-only"):
    if "from the engine's host" not in checks[id]["detail"]:
        problems.append(id + " did not connect from the engine's host")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
    status=FAILED
    failed+=("$preset --image")
  fi
  if [[ $preset == "$IMAGE_PRESET" ]] && ! "$DOCKER" image inspect "$given_image" >/dev/null 2>&1; then
    echo "  berth verify --image removed $given_image"
    status=FAILED
    failed+=("$preset --image kept")
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

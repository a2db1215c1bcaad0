#!/usr/bin/env bash
# berth's own container image on a real engine: builds the repository's Dockerfile on stand-ins
# of its base images (the real ones with BERTH_E2E_REGISTRY=1), checks what the image is
# (numeric non-root user, no shell, static binary, `berth` entrypoint, berth's version), and runs
# `audit` in it on examples/: the report must be the one the host's berth gives. Starts the engine
# and stops it (when it started it) like e2e.sh; removes the image it built.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

log() { printf 'image: %s\n' "$*"; }
die() { printf 'image: error: %s\n' "$*" >&2; exit 1; }

"$HERE/engine-up.sh"
IMAGE=${E2E_PREFIX}image:$$
work=$(mktemp -d)
cleanup() {
  "$DOCKER" rmi -f "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$work"
  "$HERE/engine-down.sh" || true
}
trap cleanup EXIT
T_ALL=$(now)

# The stand-ins must carry exactly the references the Dockerfile builds from.
froms=$(awk 'toupper($1) == "FROM" { for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; break } }' \
  "$REPO/Dockerfile" | sort)
refs=$(for name in "${IMAGE_STANDIN_NAMES[@]}"; do echo "${STANDIN_REFS[$name]}"; done | sort)
[[ $froms == "$refs" ]] || die "the Dockerfile builds from [${froms//$'\n'/ }] but the stand-ins are" \
  "[${refs//$'\n'/ }]; update IMAGE_STANDIN_NAMES and STANDIN_REFS in tests/engine/lib.sh"
"$HERE/standins.sh" "${IMAGE_STANDIN_NAMES[@]}"

t0=$(now)
if ! "$DOCKER" build --progress=plain -t "$IMAGE" "$REPO" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  die "docker build of $REPO/Dockerfile failed"
fi
build_secs=$(($(now) - t0))
# BuildKit's plain progress ends each step with "#N DONE 12.3s": the slowest steps, for the log.
grep -E '^#[0-9]+ (\[.*\]|DONE)' "$work/build.log" | awk '/^#[0-9]+ \[/ { step[$1] = $0 } /DONE/ && ($1 in step) { print $3, step[$1] }' \
  | sort -rn | head -n 3 | sed 's/^/image: step /'

size=$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE")
log "built in ${build_secs}s: $((size / 1024)) KiB"

cargo build --quiet --manifest-path "$REPO/Cargo.toml"
berth=$REPO/target/debug/berth
version=$("$berth" --version)

failed=0
check() { # check DESCRIPTION COMMAND...
  local desc=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    printf '  ok    %s\n' "$desc"
  else
    printf '  FAIL  %s\n' "$desc"
    sed 's/^/        | /' "$work/out"
    failed=1
  fi
}
expect() { [[ $1 == "$2" ]] || { printf 'got:  %s\nwant: %s\n' "$1" "$2"; return 1; }; }
inspect() { "$DOCKER" image inspect -f "{{json .Config.$1}}" "$IMAGE"; }
# Runs the image the way a cautious user would: no network, read-only, no capabilities.
run() { "$DOCKER" run --rm --network none --read-only --cap-drop ALL --security-opt no-new-privileges "$@"; }

no_shell() {
  local shell
  for shell in /bin/sh /bin/bash /bin/dash /bin/busybox /usr/bin/sh; do
    if run --entrypoint "$shell" "$IMAGE" -c true 2>/dev/null; then
      echo "$shell runs"
      return 1
    fi
  done
}

static_binary() { # the only executable is berth, and it needs no dynamic loader
  local listing
  "$DOCKER" create --name "${E2E_PREFIX}image-$$" "$IMAGE" >/dev/null
  "$DOCKER" export "${E2E_PREFIX}image-$$" >"$work/rootfs.tar"
  "$DOCKER" rm "${E2E_PREFIX}image-$$" >/dev/null
  mkdir -p "$work/rootfs" && tar -xf "$work/rootfs.tar" -C "$work/rootfs"
  # Not the files the engine adds to every container (.dockerenv, /dev, /etc/hosts...).
  listing=$(cd "$work/rootfs" && find . \( -path ./dev -o -path ./.dockerenv -o -path ./etc/hostname \
    -o -path ./etc/hosts -o -path ./etc/resolv.conf \) -prune -o -type f -perm /111 -print | sort)
  expect "$listing" ./usr/local/bin/berth || return 1
  file "$work/rootfs/usr/local/bin/berth" | grep -Eq 'static(-pie)? linked|statically linked'
}

# The image's report on examples/ is the host's, finding for finding.
same_report_as_host() {
  local rc=0
  run -v "$REPO/examples:/src:ro" "$IMAGE" audit . --format json --fail-on info >"$work/image.json" || rc=$?
  expect "$rc" 0 || return 1
  (cd "$REPO/examples" && "$berth" audit . --format json --fail-on info) >"$work/host.json"
  python3 - "$work/image.json" "$work/host.json" <<'PY'
import json, sys
image, host = (json.load(open(p)) for p in sys.argv[1:])
assert image["summary"]["files"] > 10, image["summary"]
assert image["summary"] == host["summary"], (image["summary"], host["summary"])
assert image["findings"] == host["findings"] and image["errors"] == host["errors"]
print(image["summary"])
PY
}

finds_a_bad_dockerfile() {
  local rc=0
  mkdir -p "$work/bad"
  printf 'FROM python:3.13-slim\nRUN curl -fsSL https://example.invalid/x.sh | sh\n' >"$work/bad/Dockerfile"
  run -v "$work/bad:/src:ro" "$IMAGE" >"$work/bad.txt" || rc=$?
  cat "$work/bad.txt"
  expect "$rc" 1 && grep -q 'BD013' "$work/bad.txt"
}

echo "=== berth image ($IMAGE, $(($(now) - T_ALL))s so far)"
check "USER is numeric and not root" expect "$(inspect User)" '"65532:65532"'
check "ENTRYPOINT is berth" expect "$(inspect Entrypoint)" '["berth"]'
check "no shell in the image" no_shell
check "one executable, statically linked" static_binary
check "reports the host's version ($version)" expect "$(run "$IMAGE" --version)" "$version"
check "docker run -v examples:/src:ro IMAGE audit /src: clean" \
  run -v "$REPO/examples:/src:ro" "$IMAGE" audit /src
check "audit of examples/ in the image = on the host" same_report_as_host
check "a curl | sh Dockerfile fails the audit (exit 1, BD013)" finds_a_bad_dockerfile
check "berth audit: berth's own Dockerfile is clean" "$berth" audit --fail-on info "$REPO/Dockerfile"

log "build ${build_secs}s, image $((size / 1024)) KiB, total $(($(now) - T_ALL))s"
((failed == 0)) || die "berth's image failed a check"
log "all checks passed"

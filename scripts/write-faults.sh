#!/usr/bin/env bash
# `berth new` and `berth upgrade` write a whole project or nothing, proven on the real binary:
#
# - signals: strace delivers SIGINT, SIGTERM or SIGHUP at the N-th call of every syscall that
#   opens or changes a file (open, mkdir, link, rename, chmod, unlink and their *at forms), for
#   every N a run makes. Each run must end as before (exit 1 and "interrupted", or ended by the
#   signal before writing began) or complete (exactly as an uninterrupted run leaves it: a
#   signal that lands after the last change ends the process once the project is complete).
#   Never a mix, never a temporary file.
# - a full disk: a 16 KiB tmpfs; the run fails (exit 2) and leaves nothing.
#
# Runs as root (mount) on Debian; installs strace (pinned) when missing; removes what it made.
# BERTH=PATH tests another binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STRACE_VERSION=6.1-0.1
if ! command -v strace >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "strace=$STRACE_VERSION" >/dev/null
fi
berth=${BERTH:-}
if [[ -z $berth ]]; then
  cargo build --quiet
  berth="$PWD/target/debug/berth"
fi

work=$(mktemp -d)
full="$work/full"
cleanup() {
  if mountpoint -q "$full" 2>/dev/null; then umount "$full"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Paths, types and modes of every entry, then every file's content: two directories with the
# same state print the same text.
state() {
  [[ -e $1 ]] || { echo absent; return; }
  (cd "$1" && find . -printf '%p %y %m\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# SCENARIO NAME ARGS...: runs `berth $subcommand NAME ARGS...` in $work (new, unless set),
# starting each time from $work/NAME.fixture (or from nothing), with every signal at every change.
runs=0
subcommand=new
failures=0
scenario() {
  local name=$1 fixture=$work/$1.fixture
  shift
  reset() {
    rm -rf "${work:?}/$name"
    if [[ -e $fixture ]]; then cp -a "$fixture" "$work/$name"; fi
  }
  local before after
  before=$(state "$fixture")
  reset
  (cd "$work" && "$berth" "$subcommand" "$name" "$@" >/dev/null 2>&1)
  after=$(state "$work/$name")
  for syscall in openat mkdir mkdirat link linkat rename renameat renameat2 chmod fchmod fchmodat unlink unlinkat; do
    reset
    (cd "$work" && strace -qq -e trace="$syscall" -o "$work/trace" "$berth" "$subcommand" "$name" "$@" >/dev/null 2>&1)
    local count
    count=$(grep -c "^$syscall(" "$work/trace" || true)
    for ((n = 1; n <= count; n++)); do
      for signal in SIGINT SIGTERM SIGHUP; do
        reset
        local rc=0
        # (The shell's own "Terminated" note on a run the signal ended is not wanted here.)
        { (cd "$work" && strace -qq -o /dev/null -e trace="$syscall" -e inject="$syscall:signal=$signal:when=$n" \
          "$berth" "$subcommand" "$name" "$@" >/dev/null 2>"$work/err"); } 2>/dev/null || rc=$?
        local now
        now=$(state "$work/$name")
        runs=$((runs + 1))
        if [[ $now == "$before" && $rc == 1 ]] && grep -q "interrupted by $signal: nothing was written" "$work/err"; then
          : # interrupted while writing, everything undone
        elif [[ $now == "$before" && $rc -gt 128 ]]; then
          : # ended by the signal before writing began
        elif [[ $now == "$after" && ($rc == 0 || $rc -gt 128) ]]; then
          : # the signal came after the last change: complete
        else
          echo "FAIL $name: $signal at $syscall #$n: exit $rc, the directory is neither as before nor complete"
          sed 's/^/  /' "$work/err"
          diff <(echo "$before") <(echo "$now") | sed 's/^/  /' | head -20 || true
          failures=$((failures + 1))
        fi
      done
    done
    printf '  %-6s %-10s %3d call(s) x 3 signals\n' "$name" "$syscall" "$count"
  done
}

echo "=== signals at every change"
# A new project: directories and files created.
scenario fresh -y --preset minimal
# A re-run with --force: files replaced (kept aside first), a loose secrets/ tightened, a stale
# temporary file of a killed run removed, secrets kept.
"$berth" new "$work/rerun.fixture" -y --preset postgres-etl --name rerun >/dev/null
echo "# edited" >>"$work/rerun.fixture/Dockerfile"
echo "# edited" >>"$work/rerun.fixture/SECURITY.md"
chmod 755 "$work/rerun.fixture/secrets"
echo "half" >"$work/rerun.fixture/.Dockerfile.berth-4242.tmp"
scenario rerun -y --force --python 3.12
# An upgrade after answer changes: an edited Dockerfile merged, files replaced, the GitHub files
# removed (kept aside first) for GitLab ones, berth.lock rewritten.
"$berth" new "$work/upgrade.fixture" -y --preset postgres-etl --name upgrade >/dev/null
sed -i 's|^WORKDIR /app$|WORKDIR /app\nLABEL team="data"|' "$work/upgrade.fixture/Dockerfile"
sed -i 's/^python: .*/python: "3.12"/; s/^ci: .*/ci: "gitlab"/; s/^updates: .*/updates: "renovate"/' \
  "$work/upgrade.fixture/berth.yml"
subcommand=upgrade scenario upgrade

echo "=== a full disk"
mkdir "$full"
mount -t tmpfs -o size=16k tmpfs "$full"
rc=0
(cd "$full" && "$berth" new p -y --preset postgres-etl >/dev/null 2>"$work/err") || rc=$?
left=$(find "$full" -mindepth 1)
sed 's/^/  /' "$work/err"
if [[ $rc != 2 || -n $left ]] || ! grep -q "No space left on device" "$work/err"; then
  echo "FAIL full disk: exit $rc, left: $left"
  failures=$((failures + 1))
fi

echo "write-faults: $runs interrupted runs, $failures failure(s)"
((failures == 0))

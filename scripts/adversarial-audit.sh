#!/usr/bin/env bash
# Hostile Dockerfiles for `berth audit`: very long RUN lines, deep nesting of braces, subshells,
# command substitutions and backquotes, many here-documents, long non-ASCII lines, many
# instructions. Each case must end within its time bound and its memory bound (GNU time's
# maximum resident set size), with the expected exit status (0/1: audited; 2: a clear error
# naming the line), never a crash (101, 134, a signal) or a hang. Fast variants of the same cases
# run in `cargo test`; these are the sizes that take seconds.
#
# Runs as part of .ci/run. Needs GNU time (Debian package `time`, installed when missing, as
# root) and python3 to write the inputs. Prints one line per case: seconds, peak RSS, status.
set -euo pipefail

TIME_VERSION=1.9-0.2   # Debian bookworm/trixie package `time` (GNU time)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

if ! /usr/bin/time --version >/dev/null 2>&1; then
  echo "installing GNU time $TIME_VERSION" >&2
  apt-get install -y --no-install-recommends "time=$TIME_VERSION" >&2
fi

# Timings mean something only for the optimised binary, the one users run.
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
berth="$repo/target/release/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
def write(name, text):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        f.write(text)
mb50 = 50 * 1024 * 1024
write("run-80k-commands", "FROM a\nRUN " + "a && " * 80_000 + "b\n")
write("run-250k-commands", "FROM a\nRUN " + "a && " * 250_000 + "b\n")
write("run-50mb-line", "FROM a\nRUN " + "a && " * (mb50 // 5) + "b\n")
write("run-50mb-word", "FROM a\nRUN echo " + "a" * mb50 + "\n")
write("braces-16k", "FROM a\nRUN " + "{ " * 16_000 + "x; " + "}; " * 16_000 + "\n")
write("subshells-100k", "FROM a\nRUN " + "( " * 100_000 + "x" + " )" * 100_000 + "\n")
write("substitutions-100k", "FROM a\nRUN " + "$( " * 100_000 + "x" + " )" * 100_000 + "\n")
write("backquotes-200k", "FROM a\nRUN echo " + "`" * 200_001 + "\n")
write("heredocs-100k", "FROM a\nRUN <<EOF\n" + "cat <<X\nbody\nX\n" * 100_000 + "EOF\n")
write("dockerfile-heredoc-50mb", "FROM a\nCOPY <<EOF /x\n" + "line\n" * (mb50 // 5) + "EOF\n")
write("non-ascii-400k-commands", "FROM a\nRUN " + "é && " * 400_000 + "b\n")
write("instructions-200k", "FROM a\n" + "RUN a\n" * 200_000)
write("env-600k-pairs", "FROM a\nENV " + "a=1 " * 600_000 + "\n")
write("continuations-1m", "FROM a\nRUN a \\\n" + " && b \\\n" * 1_000_000 + " && c\n")
write("stages-50k", "FROM a AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\nCOPY --from=s{i - 1} / /x\n" for i in range(1, 50_000)))
write("apk-adds-100k", "FROM alpine\nRUN " + "apk add x && " * 100_000 + "true\n")
write("mkdir-chmod-100k", "FROM a\nRUN mkdir " + " ".join(f"/d{i}" for i in range(100_000)) + " && chmod g+s " + " ".join(f"/d{i}" for i in range(100_000)) + "\n")
write("package-marks-50k", "FROM debian\nRUN apt-get install -y " + " ".join(f"p{i}-dev" for i in range(50_000)) + " && " + "apt-mark auto p0-dev && apt-get autoremove -y && " * 25_000 + "true\n")
PY

# case  seconds  megabytes  expected status  expected text (in the output, for status 2)
cases=(
  "run-80k-commands          10  400  1 -"
  "run-250k-commands         10  400  1 -"
  "run-50mb-line             10  800  2 more-than"
  "run-50mb-word             10  800  1 -"
  "braces-16k                 5  200  1 -"
  "subshells-100k             5  200  1 -"
  "substitutions-100k         5  200  2 nested-more-than"
  "backquotes-200k            5  200  1 -"
  "heredocs-100k             10  400  1 -"
  "dockerfile-heredoc-50mb   20 1500  1 -"
  "non-ascii-400k-commands   10  400  1 -"
  "instructions-200k         10  400  2 more-than-100000-instructions"
  "env-600k-pairs            10  400  2 more-than"
  "continuations-1m          20  800  2 more-than"
  "stages-50k                10  800  1 -"
  "apk-adds-100k             10  400  1 -"
  "mkdir-chmod-100k          10  400  1 -"
  "package-marks-50k         10  400  1 -"
)

failed=0
printf '%-26s %8s %9s %7s\n' case seconds "peak MB" status
for spec in "${cases[@]}"; do
  read -r name max_s max_mb want_status want_text <<<"$spec"
  set +e
  /usr/bin/time -f '%e %M' -o "$work/$name.time" \
    timeout --signal=KILL $((max_s * 3)) "$berth" audit --format json "$work/$name" >"$work/$name.out" 2>&1
  status=$?
  set -e
  read -r seconds kilobytes < <(tail -n 1 "$work/$name.time")
  megabytes=$((kilobytes / 1024))
  printf '%-26s %8s %9s %7s\n' "$name" "$seconds" "$megabytes" "$status"
  problem=""
  if [[ "$status" != "$want_status" ]]; then
    problem="exit status $status, expected $want_status"
  elif awk -v s="$seconds" -v m="$max_s" 'BEGIN { exit !(s > m) }'; then
    problem="took ${seconds}s, bound ${max_s}s"
  elif ((megabytes > max_mb)); then
    problem="peak RSS ${megabytes} MB, bound ${max_mb} MB"
  elif [[ "$want_text" != "-" ]] && ! grep -q -- "${want_text//-/ }" "$work/$name.out"; then
    problem="the output does not say \"${want_text//-/ }\": $(head -c 300 "$work/$name.out")"
  fi
  if [[ -n "$problem" ]]; then
    echo "  FAIL $name: $problem" >&2
    failed=1
  fi
done
if ((failed)); then
  echo "adversarial audit: bounds exceeded (see above)" >&2
  exit 1
fi
echo "adversarial audit: every case within its time and memory bounds"

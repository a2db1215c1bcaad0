#!/usr/bin/env bash
# Benchmark (not a test): times `berth audit` against hadolint plus compose-lint on the same
# generated corpus of 1,000 files (500 Dockerfiles, 500 compose files: every project of berth's
# option matrix plus the audit fixtures, copied until there are 500 of each), and prints the
# ratio. Each tool runs once over all its files, which is how each is normally invoked in CI;
# the best of RUNS runs is kept. Usage: scripts/bench-audit.sh [RUNS]
set -euo pipefail

runs="${1:-3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
bin="$("$here/install-linters.sh")"
cargo build --quiet --release --manifest-path "$repo/Cargo.toml"
berth="$repo/target/release/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Sources: generated projects (varied real-world shapes) and the fixtures (every rule's failures).
i=0
for base in slim distroless alpine; do
  for db in postgres mariadb none; do
    for workload in batch api; do
      for packaging in requirements uv poetry; do
        "$berth" new "$work/src/p$i" -y --base "$base" --database "$db" --workload "$workload" --packaging "$packaging" --ci none --name "p$i" >/dev/null
        i=$((i + 1))
      done
    done
  done
done
mapfile -t dsrc < <(find "$work/src" "$repo/tests/fixtures/audit" -name Dockerfile -o -name '*.Dockerfile' | sort)
mapfile -t csrc < <(find "$work/src" "$repo/tests/fixtures/audit" -name 'docker-compose*.yml' -o -name 'compose*.yml' | sort)
corpus="$work/corpus"
for n in $(seq 0 499); do
  dir="$corpus/$(printf 'svc%03d' "$n")"
  mkdir -p "$dir"
  cp "${dsrc[$((n % ${#dsrc[@]}))]}" "$dir/Dockerfile"
  cp "${csrc[$((n % ${#csrc[@]}))]}" "$dir/docker-compose.yml"
done
mapfile -t dockerfiles < <(find "$corpus" -name Dockerfile | sort)
mapfile -t composes < <(find "$corpus" -name docker-compose.yml | sort)
echo "corpus: ${#dockerfiles[@]} Dockerfiles + ${#composes[@]} compose files ($(du -sh "$corpus" | cut -f1))"

best() { # command... ; prints the best wall time in seconds over $runs runs
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"{min(times):.3f}")
PY
}

t_berth="$(best "$berth" audit --fail-on critical "$corpus")"
t_hadolint="$(best "$bin/hadolint" --no-fail "${dockerfiles[@]}")"
t_compose="$(best "$bin/compose-lint" check --fail-on critical "${composes[@]}")"
"$berth" audit --format json "$corpus" > "$work/report.json" || true
findings="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["summary"]; print(d["files"], d["findings"], d["errors"])' "$work/report.json")"
read -r files count errors <<<"$findings"
python3 - "$t_berth" "$t_hadolint" "$t_compose" "$files" "$count" "$errors" <<'PY'
import sys
b, h, c = map(float, sys.argv[1:4])
files, findings, errors = sys.argv[4:7]
print(f"berth audit (all 1,000 files):         {b:8.3f} s   ({files} files, {findings} findings, {errors} errors)")
print(f"hadolint (500 Dockerfiles):            {h:8.3f} s")
print(f"compose-lint (500 compose files):      {c:8.3f} s")
print(f"hadolint + compose-lint:               {h + c:8.3f} s")
print(f"ratio (hadolint + compose-lint) / berth: {(h + c) / b:6.1f}x  (target: at least 10x)")
PY

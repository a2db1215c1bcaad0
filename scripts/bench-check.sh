#!/usr/bin/env bash
# Times `berth check` (release build) over every built-in preset and over the option matrix
# (base x database x workload x packaging x CI), each project in a git repository and current,
# so the check does the work CI does on every push. Prints milliseconds per project; the target
# is under 50 ms. A benchmark: it measures and prints, it asserts nothing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${BENCH_RUNS:-5}"
cargo build --quiet --release --manifest-path "$repo/Cargo.toml"
berth="$repo/target/release/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

projects=()
for preset in $("$berth" presets | awk '{print $1}'); do
  "$berth" new "$work/preset-$preset" --preset "$preset" -y >/dev/null
  projects+=("$work/preset-$preset")
done
n=0
for base in slim distroless alpine; do
  for db in postgres mariadb none; do
    for workload in batch api; do
      for packaging in requirements uv poetry; do
        for ci in github gitlab none; do
          dir="$work/matrix-$base-$db-$workload-$packaging-$ci"
          "$berth" new "$dir" -y --name "m$n" --base "$base" --database "$db" --workload "$workload" \
            --packaging "$packaging" --ci "$ci" >/dev/null
          projects+=("$dir")
          n=$((n + 1))
        done
      done
    done
  done
done
for dir in "${projects[@]}"; do
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@example.com commit -qm init
done

now_ns() { date +%s%N; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
times=()
for dir in "${projects[@]}"; do
  best=""
  for _ in $(seq "$runs"); do
    start=$(now_ns)
    "$berth" check "$dir" >/dev/null 2>&1 || { echo "berth check failed on $dir" >&2; exit 1; }
    us=$(( ($(now_ns) - start) / 1000 ))
    [[ -z "$best" || $us -lt $best ]] && best=$us
  done
  times+=("$best")
  case "$dir" in */preset-*) printf '%-20s %6s ms (best of %s)\n' "${dir##*/preset-}" "$(ms "$best")" "$runs" ;; esac
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
count=${#times[@]}
median=$(sed -n "$(( (count + 1) / 2 ))p" <<<"$sorted")
max=$(tail -1 <<<"$sorted")
total=0
for t in "${times[@]}"; do total=$((total + t)); done
printf 'berth check over %d projects (%d presets + %d matrix), best of %s runs each:\n' "$count" $((count - n)) "$n" "$runs"
printf '  mean %s ms, median %s ms, max %s ms per project (target < 50 ms)\n' \
  "$(ms $((total / count)))" "$(ms "$median")" "$(ms "$max")"

#!/usr/bin/env bash
# Audits each directory given with `berth audit` (release build, default rules, every severity)
# and prints, per directory: files audited, findings, errors, skipped paths, wall time, and the
# findings per rule; then the same totals over all of them.
#
#   scripts/corpus-stats.sh DIR...
#   BERTH=/path/to/berth scripts/corpus-stats.sh DIR...   # an existing binary, no build
#
# Any directory works: discovery decides what is audited there, as it does for users. Fails only
# when berth itself fails (no report, or an exit status other than 0, 1 or 2).
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 DIR..." >&2
  exit 2
fi
for dir in "$@"; do
  if [[ ! -d $dir ]]; then
    echo "corpus-stats: $dir: not a directory" >&2
    exit 2
  fi
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z ${BERTH:-} ]]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
  BERTH="$repo/target/release/berth"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

index=0
for dir in "$@"; do
  index=$((index + 1))
  start=$(date +%s.%N)
  status=0
  "$BERTH" audit --format json --fail-on info "$dir" >"$work/$index.json" 2>"$work/$index.err" || status=$?
  end=$(date +%s.%N)
  if ((status > 2)) || [[ ! -s "$work/$index.json" ]]; then
    echo "corpus-stats: berth audit $dir exited with $status:" >&2
    tail -n 20 "$work/$index.err" >&2
    exit 1
  fi
  printf '%s\t%s\n' "$dir" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')" >>"$work/runs.tsv"
done

python3 - "$work" <<'PY'
import collections, json, sys

work = sys.argv[1]
runs = [line.rstrip("\n").split("\t") for line in open(f"{work}/runs.tsv")]
totals = collections.Counter()
per_rule_all = collections.Counter()
wall_all = 0.0


def show(name, counts, rules, wall):
    print(f"== {name}")
    print(f"   files audited {counts['files']}, findings {counts['findings']}, errors {counts['errors']}, "
          f"skipped {counts['skipped']}, wall time {wall:.2f} s")
    width = max((len(code) for code in rules), default=0)
    for code, count in sorted(rules.items()):
        print(f"   {code:<{width}} {count}")


for index, (directory, wall) in enumerate(runs, start=1):
    report = json.load(open(f"{work}/{index}.json"))
    counts = collections.Counter({key: report["summary"][key] for key in ("files", "findings", "errors", "skipped")})
    rules = collections.Counter(finding["code"] for finding in report["findings"])
    show(directory, counts, rules, float(wall))
    totals.update(counts)
    per_rule_all.update(rules)
    wall_all += float(wall)

if len(runs) > 1:
    show("all directories", totals, per_rule_all, wall_all)
PY

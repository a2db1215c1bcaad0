#!/usr/bin/env bash
# hadolint's own rule tests, run through `berth audit`: every assertion of
# test/Hadolint/Rule/DL*Spec.hs whose rule has a berth counterpart (scripts/hadolint-suite/
# mapping.tsv) becomes a Dockerfile, and berth must agree with it: report the counterpart on a
# "must report" case, stay silent on a "must not report" one. Each deliberate difference is
# listed in scripts/hadolint-suite/differences.tsv with a reason that `berth explain CODE`
# states; an unlisted disagreement, a listed case that now agrees, or a reason missing from the
# docs fails the run.
#
# It needs a hadolint checkout, which CI cannot fetch (no access to GitHub). Get one with
#   git clone https://github.com/hadolint/hadolint /tmp/hadolint
#   git -C /tmp/hadolint checkout 8f936c5e975d3663b3cce4ac5b3baa3db26b8516   # the tests this was checked against
# then run `HADOLINT_SRC=/tmp/hadolint scripts/hadolint-suite.sh` (or pass the path). Without a
# checkout it says so and succeeds. BERTH=/path/to/berth checks another berth binary.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
src="${1:-${HADOLINT_SRC:-}}"
if [[ -z "$src" ]]; then
  echo "hadolint suite: skipped (set HADOLINT_SRC to a hadolint checkout; see the header of $0)"
  exit 0
fi
if [[ ! -d "$src/test/Hadolint/Rule" ]]; then
  echo "error: $src has no test/Hadolint/Rule: give the root of a hadolint checkout" >&2
  exit 2
fi
if [[ -z "${BERTH:-}" ]]; then
  cargo build --quiet --manifest-path "$repo/Cargo.toml"
fi
berth="${BERTH:-$repo/target/debug/berth}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if commit="$(git -C "$src" rev-parse HEAD 2>/dev/null)"; then
  echo "hadolint tests at $commit"
fi
python3 "$here/hadolint-suite/extract.py" "$src" "$work"
python3 "$here/hadolint-suite/run.py" "$berth" "$work/cases.json"

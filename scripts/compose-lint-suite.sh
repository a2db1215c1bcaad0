#!/usr/bin/env bash
# Runs compose-lint's own rule tests through berth. Downloads the pinned compose-lint sdist from
# PyPI (it ships its tests), runs its tests/test_CL*.py under pytest with a recorder that writes
# down every case a rule is checked on, audits each case with berth, and compares the verdicts
# per concern (scripts/compose-lint-suite/groups.tsv maps compose-lint codes to berth codes).
# Every disagreement must be listed in scripts/compose-lint-suite/differences.tsv with a reason
# the berth rule's docs also state; the script fails otherwise. BERTH=path overrides the binary;
# BERTH_SUITE_DUMP=file.json writes every case with both verdicts.
set -euo pipefail

COMPOSE_LINT=0.36.2
PYTEST=9.1.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
# shellcheck source-path=SCRIPTDIR source=lib/pinned-venv.sh
. "$here/lib/pinned-venv.sh"
venv="$(pinned_venv compose-lint-suite "compose-lint==$COMPOSE_LINT" "pytest==$PYTEST")"

if [[ -z "${BERTH:-}" ]]; then
  cargo build --quiet --manifest-path "$repo/Cargo.toml"
  BERTH="$repo/target/debug/berth"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
  -d "$work" "compose-lint==$COMPOSE_LINT" >&2
tar -xzf "$work/compose_lint-$COMPOSE_LINT.tar.gz" -C "$work"

# The suite's own result does not matter here (some of its tests ask a local `docker compose`);
# the recorder writes down every case it checks either way.
(
  cd "$work/compose_lint-$COMPOSE_LINT"
  BERTH_CASES="$work/cases.jsonl" PYTHONPATH="$here/compose-lint-suite" \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider -p recorder tests/test_CL*.py > "$work/pytest.log" 2>&1 || true
)
tail -n 1 "$work/pytest.log" | sed 's/^/compose-lint tests: /'
"$venv/bin/python" "$here/compose-lint-suite/compare.py" "$work/cases.jsonl" "$work" "$BERTH" ${BERTH_SUITE_DUMP:+"$BERTH_SUITE_DUMP"}

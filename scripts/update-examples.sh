#!/usr/bin/env bash
# Regenerates examples/<preset>/ for every built-in preset with the current berth.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
cargo build --quiet
for preset in $(target/debug/berth presets | awk '{print $1}'); do
  rm -rf "examples/$preset"
  (cd examples 2>/dev/null || mkdir -p examples; cd "$repo/examples" && ../target/debug/berth new "$preset" --preset "$preset" -y >/dev/null)
  echo "examples/$preset"
done

#!/usr/bin/env bash
# Writes DIR/sha256.sum: the SHA-256 of every release archive in DIR, in sha256sum format, sorted
# by name. The Action, the README's check and the provenance attestation all read this file.
#
# Usage: checksums.sh DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../action/lib.sh
. "$here/../action/lib.sh"
BERTH_STEP="berth checksums"

(($# == 1)) || die "usage: checksums.sh DIR"
cd "$1"
shopt -s nullglob
archives=(berth-*.tar.gz berth-*.zip)
((${#archives[@]})) || die "no berth-*.tar.gz or berth-*.zip in $1"
sha256sum "${archives[@]}" | LC_ALL=C sort -k2 >"$BERTH_CHECKSUMS.tmp"
mv "$BERTH_CHECKSUMS.tmp" "$BERTH_CHECKSUMS"
cat "$BERTH_CHECKSUMS"

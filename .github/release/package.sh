#!/usr/bin/env bash
# Packs a built berth into its release archive: OUT/berth-TARGET.tar.gz (.zip on Windows), one
# directory berth-TARGET/ holding the binary, LICENSE, README.md, CHANGELOG.md, shell completions
# (completions/) and the man page (man/berth.1). The binary must run here: completions and the
# man page are its own output.
#
# Usage: package.sh TARGET BUILD_DIR OUT   (BUILD_DIR holds the binary, e.g. target/TARGET/release)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../action/lib.sh
. "$here/../action/lib.sh"
BERTH_STEP="berth package"

(($# == 3)) || die "usage: package.sh TARGET BUILD_DIR OUT"
target=$1 out=$3
binary=$2/$(berth_exe "$target")
[[ -f $binary ]] || die "no berth binary for $target at $binary"
archive=$(berth_archive "$target")
name=berth-$target

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=$work/$name
mkdir -p "$dir/completions" "$dir/man" "$out"
cp "$binary" "$dir/"
cp "$repo/LICENSE" "$repo/README.md" "$repo/CHANGELOG.md" "$dir/"
# The file names each shell's completion loader looks for.
"$binary" completions bash >"$dir/completions/berth.bash"
"$binary" completions zsh >"$dir/completions/_berth"
"$binary" completions fish >"$dir/completions/berth.fish"
"$binary" completions powershell >"$dir/completions/_berth.ps1"
"$binary" completions elvish >"$dir/completions/berth.elv"
"$binary" man >"$dir/man/berth.1"

out=$(cd "$out" && pwd)
rm -f "$out/$archive"
case $archive in
  *.zip)
    if command -v 7z >/dev/null; then
      (cd "$work" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
    elif command -v zip >/dev/null; then
      (cd "$work" && zip -qr "$out/$archive" "$name")
    else
      pwsh -NoProfile -Command \
        "Compress-Archive -Path '$(native_path "$dir")' -DestinationPath '$(native_path "$out/$archive")'"
    fi
    ;;
  *) tar -czf "$out/$archive" -C "$work" "$name" ;;
esac
echo "$out/$archive"

#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a version (Keep a Changelog: `## [X.Y.Z] - DATE`), without
# its heading: the body of the GitHub release. Fails when the section is missing or empty, so a
# release cannot go out without its notes.
#
# Usage: notes.sh VERSION [CHANGELOG]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../action/lib.sh
. "$here/../action/lib.sh"
BERTH_STEP="berth release notes"

(($# == 1 || $# == 2)) || die "usage: notes.sh VERSION [CHANGELOG]"
version=${1#v}
changelog=${2:-$here/../../CHANGELOG.md}
notes=$(awk -v v="$version" '
  /^## \[/ { if (found) exit; found = index($0, "## [" v "]") == 1 ; next }
  /^\[[^]]+\]: / { if (found) exit }
  found { print }
' "$changelog")
[[ -n ${notes//[[:space:]]/} ]] \
  || die "$(basename "$changelog") has no notes for $version: add a '## [$version] - YYYY-MM-DD' section"
printf '%s\n' "$notes" | sed -e '/./,$!d'

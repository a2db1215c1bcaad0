#!/usr/bin/env bash
# Installs a released berth for this runner: downloads the archive and the release's checksum
# file, refuses the archive unless its SHA-256 matches, optionally verifies its build provenance
# with `gh attestation verify` or the checksum file's cosign signature, and puts the binary on
# PATH for later steps. The Action runs it, and so do the CI jobs `berth new` generates with
# ci_verify (on GitHub and on GitLab).
#
# Environment (set by action.yml or the generated job):
#   BERTH_VERSION             release to install, e.g. 0.1.0 (a leading v is accepted)
#   BERTH_VERIFY_ATTESTATION  true: also check the archive's provenance attestation (needs gh, GH_TOKEN)
#   BERTH_VERIFY_SIGNATURE    true: also check the keyless cosign signature of the checksum file,
#                             made by the release workflow for this tag (needs cosign; no GitHub token)
#   BERTH_BIN_DIR             install the binary into this directory (default: it stays in the
#                             download directory); either way it goes on GITHUB_PATH
#   RUNNER_OS, RUNNER_ARCH    set by GitHub's runners; elsewhere they come from uname
#   RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT   set by GitHub's runners (optional elsewhere)
#   BERTH_RELEASES_URL        where releases are (default: GitHub); https, or file:// or
#                             http:// on loopback for tests
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
BERTH_STEP="berth install"

version=${BERTH_VERSION:-}
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
  || die "version must be a release number such as 0.1.0, not '${BERTH_VERSION:-}'"

# Outside GitHub Actions (GitLab CI, a shell) the runner's OS and architecture come from uname.
if [[ -z ${RUNNER_OS+set} ]]; then
  case $(uname -s) in
    Linux) RUNNER_OS=Linux ;;
    Darwin) RUNNER_OS=macOS ;;
    MINGW* | MSYS* | CYGWIN*) RUNNER_OS=Windows ;;
    *) RUNNER_OS=$(uname -s) ;;
  esac
fi
if [[ -z ${RUNNER_ARCH+set} ]]; then
  case $(uname -m) in
    x86_64 | amd64) RUNNER_ARCH=X64 ;;
    aarch64 | arm64) RUNNER_ARCH=ARM64 ;;
    *) RUNNER_ARCH=$(uname -m) ;;
  esac
fi
os=$RUNNER_OS arch=$RUNNER_ARCH
target=$(berth_target "$os" "$arch") \
  || die "berth has no release build for a $os $arch runner; builds exist for $BERTH_RUNNERS"
archive=$(berth_archive "$target")
exe=$(berth_exe "$target")

base=${BERTH_RELEASES_URL:-$BERTH_RELEASES}
case $base in
  https://*) protocols='=https' ;;
  file://*) protocols='=file' ;;
  http://127.0.0.1[:/]* | http://localhost[:/]* | http://\[::1\][:/]*) protocols='=http' ;;
  *) die "BERTH_RELEASES_URL must be an https:// URL (file:// or http:// on loopback for tests), not '$base'" ;;
esac
release=${base%/}/v$version
# The repository whose release workflow builds and signs the releases.
repo=${BERTH_RELEASES#https://github.com/}
repo=${repo%/releases/download}

work=$(mktemp -d "$(posix_path "${RUNNER_TEMP:-${TMPDIR:-/tmp}}")/berth-install.XXXXXX")
# Keeps the installed binary; removes the download if anything fails.
installed=
trap '[[ -n $installed ]] || rm -rf "$work"' EXIT

# fetch NAME: downloads one file of the release into $work.
fetch() {
  local url=$release/$1 log=$work/curl.log
  if ! curl --proto "$protocols" --tlsv1.2 --fail --silent --show-error --location --retry 3 \
    --output "$work/$1" "$url" 2>"$log"; then
    die "release v$version has no $2 $1 ($url): $(tail -n 1 "$log")"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

fetch "$BERTH_CHECKSUMS" "checksum file"
case ${BERTH_VERIFY_SIGNATURE:-false} in
  true)
    command -v cosign >/dev/null \
      || die "BERTH_VERIFY_SIGNATURE needs cosign on the runner; install it or set BERTH_VERIFY_SIGNATURE=false"
    fetch "$BERTH_CHECKSUMS.sigstore.json" "signature bundle"
    # --new-bundle-format: cosign 2.4 and later read the bundle cosign 3 writes.
    if ! cosign verify-blob "$work/$BERTH_CHECKSUMS" --bundle "$work/$BERTH_CHECKSUMS.sigstore.json" \
      --new-bundle-format \
      --certificate-identity "https://github.com/$repo/.github/workflows/release.yml@refs/tags/v$version" \
      --certificate-oidc-issuer https://token.actions.githubusercontent.com >"$work/cosign.log" 2>&1; then
      cat "$work/cosign.log" >&2
      die "$BERTH_CHECKSUMS of v$version has no valid signature from $repo's release workflow; not installed"
    fi
    ;;
  false) ;;
  *) die "BERTH_VERIFY_SIGNATURE must be true or false, not '$BERTH_VERIFY_SIGNATURE'" ;;
esac
fetch "$archive" asset
expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/$BERTH_CHECKSUMS")
[[ $expected =~ ^[0-9a-f]{64}$ ]] || die "$BERTH_CHECKSUMS of v$version lists no SHA-256 for $archive"
actual=$(sha256 "$work/$archive")
[[ $actual == "$expected" ]] \
  || die "checksum mismatch for $archive of v$version: $BERTH_CHECKSUMS says $expected, the download is $actual; not installed"

if [[ ${BERTH_VERIFY_ATTESTATION:-false} == true ]]; then
  command -v gh >/dev/null \
    || die "verify-attestation needs the GitHub CLI (gh) on the runner; install it or set verify-attestation: false"
  if ! gh attestation verify "$work/$archive" --repo "$repo" \
    --signer-workflow "$repo/.github/workflows/release.yml" >"$work/gh.log" 2>&1; then
    cat "$work/gh.log" >&2
    die "no valid build provenance attestation from $repo's release workflow for $archive of v$version; not installed"
  fi
elif [[ ${BERTH_VERIFY_ATTESTATION:-false} != false ]]; then
  die "verify-attestation must be true or false, not '$BERTH_VERIFY_ATTESTATION'"
fi

case $archive in
  *.zip)
    if command -v unzip >/dev/null; then
      unzip -q "$work/$archive" -d "$work"
    elif command -v 7z >/dev/null; then
      7z x -bd -y "-o$work" "$work/$archive" >/dev/null
    else
      pwsh -NoProfile -Command "Expand-Archive -LiteralPath '$work/$archive' -DestinationPath '$work'"
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work" ;;
esac
bin_dir=$work/berth-$target
[[ -f $bin_dir/$exe ]] || die "$archive of v$version holds no berth-$target/$exe"
chmod +x "$bin_dir/$exe"
reported=$("$bin_dir/$exe" --version 2>&1) || die "the installed berth does not run: $reported"
[[ $reported == "berth $version" ]] || die "asked for berth $version, the archive holds '$reported'"

if [[ -n ${BERTH_BIN_DIR:-} ]]; then
  # Copied beside its final name and renamed, so the directory never holds half a binary; the
  # download is then removed.
  dest=$(posix_path "$BERTH_BIN_DIR")
  partial=$dest/.$exe.berth-install
  if ! { mkdir -p "$dest" && cp "$bin_dir/$exe" "$partial" && chmod 0755 "$partial" \
    && mv -f "$partial" "$dest/$exe"; } 2>"$work/copy.log"; then
    rm -f "$partial"
    die "cannot install into BERTH_BIN_DIR '$BERTH_BIN_DIR': $(tail -n 1 "$work/copy.log")"
  fi
  bin_dir=$dest
else
  installed=1
fi
native_path "$bin_dir" >>"${GITHUB_PATH:-/dev/null}"
printf 'path=%s\n' "$(native_path "$bin_dir/$exe")" >>"${GITHUB_OUTPUT:-/dev/null}"
printf 'berth %s (%s) installed in %s\n' "$version" "$target" "$bin_dir"

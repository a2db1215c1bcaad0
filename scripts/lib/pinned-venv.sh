# shellcheck shell=bash
# pinned_venv NAME REQUIREMENT...: a Python virtual environment under the berth tools cache
# ($BERTH_TOOLS_DIR, else ~/.cache/berth-tools) holding exactly these pinned requirements; prints
# its directory. Each set of requirements gets its own directory, never replaced once complete,
# and runs that install the same set at the same time wait for each other, so none sees a
# half-installed venv or one another run is replacing.
pinned_venv() {
  local name=$1
  shift
  local root="${BERTH_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/berth-tools}"
  local stamp="$*"
  local venv
  venv="$root/$name-$(printf '%s' "$stamp" | sha256sum | cut -c1-12)"
  mkdir -p "$root"
  (
    flock 9
    if [[ "$(cat "$venv/.berth-stamp" 2>/dev/null)" != "$stamp" ]]; then
      echo "installing $stamp into $venv" >&2
      rm -rf "$venv"
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
      # Written last: its presence means the venv is complete.
      echo "$stamp" >"$venv/.berth-stamp"
    fi
  ) 9>"$venv.lock"
  echo "$venv"
}

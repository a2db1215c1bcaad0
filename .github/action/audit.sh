#!/usr/bin/env bash
# Runs `berth audit` for the Action: the report in the chosen format goes to the log and the
# exit status is berth's (0 clean, 1 findings at or above fail-on, 2 could not audit). With
# upload-sarif, a SARIF report of the same paths is written first for the upload step.
#
# Environment (set by action.yml):
#   BERTH_PATHS         files or directories, one per line (default: .)
#   BERTH_FAIL_ON       lowest severity that fails the step (berth checks the value)
#   BERTH_FORMAT        text, json or sarif (berth checks the value)
#   BERTH_CONFIG        a .berth-audit.yml to use instead of ./.berth-audit.yml (optional)
#   BERTH_UPLOAD_SARIF  true or false
#   RUNNER_TEMP, GITHUB_OUTPUT   set by the runner
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
BERTH_STEP="berth audit"

paths=()
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%$'\r'}
  [[ -n ${line//[[:space:]]/} ]] && paths+=("$line")
done <<<"${BERTH_PATHS:-}"
((${#paths[@]})) || paths=(.)

options=()
[[ -z ${BERTH_FAIL_ON:-} ]] || options+=(--fail-on "$BERTH_FAIL_ON")
[[ -z ${BERTH_CONFIG:-} ]] || options+=(--config "$BERTH_CONFIG")

case ${BERTH_UPLOAD_SARIF:-false} in
  true)
    sarif=$(posix_path "${RUNNER_TEMP:-${TMPDIR:-/tmp}}")/berth-audit.sarif
    rc=0
    berth audit --format sarif ${options[@]+"${options[@]}"} -- "${paths[@]}" >"$sarif" || rc=$?
    # 1 means findings, which is what the upload is for; 2 is reported by the run below.
    if ((rc <= 1)); then
      printf 'sarif-file=%s\n' "$(native_path "$sarif")" >>"${GITHUB_OUTPUT:-/dev/null}"
    fi
    ;;
  false) ;;
  *) die "upload-sarif must be true or false, not '$BERTH_UPLOAD_SARIF'" ;;
esac

exec berth audit --format "${BERTH_FORMAT:-text}" ${options[@]+"${options[@]}"} -- "${paths[@]}"

#!/usr/bin/env bash
# Generates berth's whole option matrix and runs the external validators over every file:
# hadolint (default config), compose-lint --fail-on low, checkov (dockerfile, github_actions),
# actionlint, zizmor, `docker compose config -q` and berth's own audit (every severity). Any
# finding fails the run; the only suppression is targeted and printed with its reason.
#
# Every combination is generated with ci_verify off and, where there is a CI, on. Of the files
# linted here ci_verify changes only the CI file (cargo test holds it to that), so of the "on"
# projects only that is kept and linted.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
bin="$("$here/install-linters.sh")"
compose="/usr/local/lib/docker/cli-plugins/docker-compose"

cargo build --quiet --manifest-path "$repo/Cargo.toml"
berth="$repo/target/debug/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

digest="sha256:$(printf '%064d' 0 | tr 0 a)"
count=0
for pinned in no yes; do
 for verify in off on; do
  for base in slim distroless alpine; do
    for db in postgres mariadb none; do
      for workload in batch api; do
        for packaging in requirements uv poetry; do
          for ci in github gitlab none; do
            [[ $verify == on && $ci == none ]] && continue
            dir="$work/$pinned-$verify-$base-$db-$workload-$packaging-$ci"
            args=(--base "$base" --database "$db" --workload "$workload" --packaging "$packaging" --ci "$ci" --name "m$count")
            # Realistic build dependencies: drivers compiled from source where the base allows it.
            case "$base/$db" in
              slim/postgres) args+=(--build-packages gcc,libpq-dev) ;;
              slim/mariadb) args+=(--build-packages gcc,pkg-config,default-libmysqlclient-dev) ;;
              alpine/postgres) args+=(--build-packages gcc,musl-dev,postgresql-dev) ;;
              alpine/mariadb) args+=(--build-packages gcc,musl-dev,pkgconf,mariadb-dev) ;;
            esac
            if [[ $pinned == yes ]]; then
              args+=(--builder-digest "$digest" --runtime-digest "$digest" --private-index https://pypi.example.com/simple
                     --image registry.example.com/data/m$count --scan-severity critical
                     --app-env 'LOG_FORMAT=json,GREETING=cost $5 "today"' --app-volumes ./config:/etc/app,cache:/var/cache/app
                     --labels org.example.team=data,org.opencontainers.image.vendor=Example)
              [[ $db != none ]] && args+=(--db-digest "$digest")
            fi
            [[ $verify == on ]] && args+=(--ci-verify true)
            "$berth" new "$dir" -y "${args[@]}" >/dev/null
            if [[ $verify == on ]]; then
              find "$dir" -type f ! -path '*/.github/workflows/*' ! -name .gitlab-ci.yml -delete
            fi
            count=$((count + 1))
          done
        done
      done
    done
  done
 done
done
echo "generated $count projects (base x database x workload x packaging x CI, unpinned and pinned with the extension answers; ci_verify off, and on with a CI)"

failed=0
report() { # name findings
  printf '%-22s %s finding(s)\n' "$1" "$2"
  [[ "$2" == 0 ]] || failed=1
}

mapfile -t dockerfiles < <(find "$work" -name Dockerfile | sort)
out="$("$bin/hadolint" --no-color "${dockerfiles[@]}" 2>&1)" || true
report "hadolint" "$(grep -c . <<<"$out" || true)"
[[ -z "$out" ]] || echo "$out" | head -40

# CL-0019 wants every image pinned by digest. A database image is pinned only when the user
# gives db_digest (no registry is asked at generation time); those files are linted as they are.
suppress="$work/.compose-lint-unpinned-db.yml"
cat > "$suppress" <<'YAML'
rules:
  CL-0019:
    exclude_services:
      db: "db_digest not given: berth pins the database image only when told its digest; Dependabot/Renovate add and update it"
YAML
mapfile -t unpinned_db < <(find "$work" -path '*/no-*' -name docker-compose.prod.yml ! -path '*-none-*' | sort)
mapfile -t plain < <(find "$work" -name docker-compose.prod.yml | sort | grep -v -F -x -f <(printf '%s\n' "${unpinned_db[@]}"))
echo "compose-lint: targeted suppression for ${#unpinned_db[@]} files: CL-0019 on service db: db_digest not given"
cl_findings=0
for group in unpinned plain; do
  if [[ $group == unpinned ]]; then files=("${unpinned_db[@]}"); extra=(--config "$suppress"); else files=("${plain[@]}"); extra=(); fi
  json="$("$bin/compose-lint" check --fail-on low --format json --skip-suppressed "${extra[@]}" "${files[@]}" 2>/dev/null)" || true
  n="$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"]) + len(d.get("errors", [])))' <<<"$json")"
  if [[ "$n" != 0 ]]; then
    python3 -c 'import json,sys; d=json.load(sys.stdin); [print(f.get("file"), f.get("service"), f.get("rule_id"), f.get("message")) for f in d["findings"][:20]]; [print(e) for e in d.get("errors", [])[:5]]' <<<"$json"
  fi
  cl_findings=$((cl_findings + n))
done
report "compose-lint" "$cl_findings"

cc_fail=0
for f in $(find "$work" -name docker-compose.prod.yml | sort); do
  if ! (cd "$(dirname "$f")" && "$compose" -f docker-compose.prod.yml config -q 2>"$work/compose-err"); then
    echo "$f: $(cat "$work/compose-err")"
    cc_fail=$((cc_fail + 1))
  fi
done
report "docker compose config" "$cc_fail"

mapfile -t workflows < <(find "$work" -path '*/.github/workflows/*.yml' | sort)
out="$("$bin/actionlint" -no-color "${workflows[@]}" 2>&1)" || true
report "actionlint" "$(grep -c '^/' <<<"$out" || true)"
[[ -z "$out" ]] || echo "$out" | head -40
echo "workflows: ${#workflows[@]}, $(grep -l '^  verify:' "${workflows[@]}" | wc -l) with the ci_verify job"

# Offline: the audits that ask GitHub's API (impostor commits, known-vulnerable actions) need a token.
json="$("$bin/zizmor" --offline --no-progress --format json "${workflows[@]}" 2>/dev/null)" || true
report "zizmor" "$(python3 -c '
import json, sys
findings = [f for f in json.load(sys.stdin) if not f["ignored"]]
for f in findings[:20]:
    where = f["locations"][0]
    path = where["symbolic"]["key"].get("Local", {}).get("verbatim_path", "?")
    line = where["concrete"]["location"]["start_point"]["row"] + 1
    print(f"{path}:{line}", f["ident"], f["desc"], file=sys.stderr)
print(len(findings))
' <<<"$json")"

# --skip-download and BC_SKIP_MAPPING keep checkov offline.
json="$(cd "$work" && BC_SKIP_MAPPING=TRUE "$bin/checkov" -d . --framework dockerfile github_actions \
  --skip-download --output json --quiet 2>/dev/null)" || true
read -r passed ck_failed < <(python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d if isinstance(d, list) else [d]
print(sum(r["summary"]["passed"] for r in d), sum(r["summary"]["failed"] for r in d))
for r in d:
    for c in r["results"]["failed_checks"][:20]:
        print(c["check_id"], c["file_path"], c["check_name"], file=sys.stderr)
' <<<"$json")
echo "checkov: $passed checks passed"
report "checkov" "$ck_failed"

# berth's own rules at every severity; the pinned projects also under the opt-in digest rules.
audit_count() { # berth audit arguments...
  local json
  json="$("$berth" audit --format json --fail-on info "$@")" || true
  python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"][:20]:
    print(f["path"], f["line"], f["code"], f["message"], file=sys.stderr)
for e in d["errors"][:5]:
    print(e, file=sys.stderr)
print(len(d["findings"]) + len(d["errors"]))
' <<<"$json"
}
report "berth audit" "$(audit_count "$work")"
digests="$work/.digest-rules.yml"
echo "enable: [BD006, BC006]" >"$digests"
mapfile -t pinned_dirs < <(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'yes-*' | sort)
report "berth audit (digests)" "$(audit_count --config "$digests" "${pinned_dirs[@]}")"

if [[ $failed != 0 ]]; then
  echo "lint matrix: FAILED"
  exit 1
fi
echo "lint matrix: all $count projects clean"

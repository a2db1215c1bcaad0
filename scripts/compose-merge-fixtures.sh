#!/usr/bin/env bash
# The compose merge fixtures (tests/fixtures/classes/{reset-override,multi-document}) checked
# against Compose itself: `docker compose config` (the pinned plugin) must accept each project
# and resolve it to what the fixtures' verdict headers assume (what `!reset` and `!override`
# drop or replace, which lists are joined and which are unique by target), so berth's merge and
# Compose's cannot drift apart unnoticed. Usage: scripts/compose-merge-fixtures.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
"$here/install-linters.sh" >/dev/null # the Compose plugin, pinned there
compose=/usr/local/lib/docker/cli-plugins/docker-compose
fixtures="$repo/tests/fixtures/classes"

config() { # DIR: the project in DIR (its compose.yaml and override file), resolved, as JSON
  (cd "$1" && "$compose" config --format json)
}

python3 - "$(config "$fixtures/reset-override")" "$(config "$fixtures/multi-document")" <<'PY'
import json, sys

reset, multi = (json.loads(a)["services"] for a in sys.argv[1:3])
checks = [
    ("reset-override: `ports: !reset []` drops web's ports", "ports" not in reset["web"]),
    ("reset-override: `cap_drop: !override` replaces web's list", reset["web"]["cap_drop"] == ["NET_RAW"]),
    ("reset-override: another logging driver replaces the logging", reset["web"]["logging"] == {"driver": "json-file"}),
    ("reset-override: tags in an extending service apply to its base", "ports" not in reset["job"]
     and reset["job"]["cap_drop"] == ["NET_RAW"]),
    ("multi-document: ports of both documents are published", [p["published"] for p in multi["db"]["ports"]]
     == ["5432", "9187"]),
    ("multi-document: capabilities of both documents are added", multi["db"]["cap_add"] == ["NET_ADMIN", "CHOWN"]),
    ("multi-document: the later mount of a target replaces the earlier one",
     [(v["source"].endswith("/etc"), v["target"]) for v in multi["db"]["volumes"]]
     == [(False, "/var/run/docker.sock"), (True, "/host-etc")]),
    ("multi-document: `privileged: !reset` drops the earlier document's value", "privileged" not in multi["db"]),
]
failed = [name for name, ok in checks if not ok]
for name, ok in checks:
    print(f"{'ok  ' if ok else 'FAIL'} {name}")
if failed:
    sys.exit(f"{len(failed)} merge fixture(s) not resolved by Compose as their headers assume")
PY

#!/usr/bin/env bash
# Runs hadolint, compose-lint and `berth audit` over the audit fixtures (one folder per rule, plus
# the Docker security lesson's bad snippets) and prints, per concern, which tool detects it in how
# many files and at what severity. It fails when hadolint or compose-lint detects a concern in a
# file where berth does not, or rates it higher, unless the berth rule's docs explain the
# difference in a "## Compared with other linters" section naming the other tool's code.
# berth runs with its opt-in rules enabled, so every rule takes part.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
bin="$("$here/install-linters.sh")"
cargo build --quiet --manifest-path "$repo/Cargo.toml"
berth="$repo/target/debug/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$repo/tests/fixtures/audit"
mapfile -t dockerfiles < <(find . -name '*Dockerfile' | sed 's|^\./||' | sort)
mapfile -t composes < <(find . -name 'compose*.yml' | sed 's|^\./||' | sort)

"$bin/hadolint" --no-fail -f json "${dockerfiles[@]}" > "$work/hadolint.json" 2>/dev/null || true
"$bin/compose-lint" check --format json --fail-on critical "${composes[@]}" > "$work/compose-lint.json" 2>/dev/null || true
printf 'enable: [BD006, BC006, BD029]\ntrusted_registries: [docker.io, ghcr.io/acme]\n' > "$work/all.yml"
"$berth" audit --config "$work/all.yml" --format json . > "$work/berth.json" || true
"$berth" rules > "$work/rules.txt"
for code in $(cut -d' ' -f1 "$work/rules.txt"); do
  "$berth" explain "$code" > "$work/explain-$code.md"
done

python3 - "$work" <<'PY'
import json, os, re, sys
work = sys.argv[1]
# concern: (berth codes, hadolint codes, compose-lint codes)
CONCERNS = [
    ("root user (explicit or implicit)", "BD001 BD002 BD043", "DL3002", ""),
    ("non-numeric USER", "BD003", "DL3066", ""),
    ("untagged base image", "BD004", "DL3006", ""),
    ("latest tag", "BD005", "DL3007", ""),
    ("base image not pinned by digest", "BD006", "", ""),
    ("secrets in ENV/ARG/RUN", "BD008 BD009", "DL3064", ""),
    ("secret files reachable by COPY", "BD010", "", ""),
    ("secret deleted in a later layer", "BD011", "", ""),
    ("ADD instead of COPY", "BD012", "DL3020", ""),
    ("curl | sh", "BD013", "", ""),
    ("TLS verification off", "BD014", "", ""),
    ("package signatures off", "BD015", "", ""),
    ("sudo", "BD016", "DL3004", ""),
    ("ssh server / port 22", "BD018", "DL3001", ""),
    ("setuid/setgid bits", "BD019", "", ""),
    ("apt --no-install-recommends", "BD020", "DL3015", ""),
    ("apt lists not removed", "BD021", "DL3009", ""),
    ("update alone", "BD022", "", ""),
    ("upgrade in build", "BD023", "DL3035", ""),
    ("apt instead of apt-get", "BD024", "DL3027", ""),
    ("pip cache kept", "BD025", "DL3042", ""),
    ("apk cache kept", "BD026", "DL3019", ""),
    ("yum/dnf/zypper/yarn cache kept", "BD027", "DL3032 DL3040 DL3036 DL3060", ""),
    ("unpinned language packages", "BD028", "DL3013 DL3016 DL3028 DL3062", ""),
    ("unpinned OS packages", "BD029", "DL3008 DL3018 DL3033 DL3037 DL3041", ""),
    ("HEALTHCHECK missing", "BD030", "DL3057", ""),
    ("pipefail", "BD031", "DL4006", ""),
    ("whole filesystem copied", "BD032", "DL3067", ""),
    ("relative WORKDIR", "BD033", "DL3000", ""),
    ("duplicate stage name", "BD034", "DL3024", ""),
    ("shell-form CMD/ENTRYPOINT", "BD035", "DL3025", ""),
    ("several CMD/ENTRYPOINT", "BD036", "DL4003 DL4004", ""),
    ("MAINTAINER", "BD037", "DL4000", ""),
    ("cd instead of WORKDIR", "BD038", "DL3003", ""),
    ("build tools in final stage", "BD039", "", ""),
    ("untrusted registry", "BD041", "DL3026", ""),
    ("trivial HEALTHCHECK", "BD042", "", ""),
    ("sudo installed / sudoers", "BD044", "", ""),
    ("world-writable paths", "BD045", "", ""),
    ("privileged", "BC001", "", "CL-0002"),
    ("runtime socket mounted", "BC002", "", "CL-0001"),
    ("sensitive host path", "BC003", "", "CL-0013 CL-0025"),
    ("host network", "BC004", "", "CL-0008"),
    ("host namespaces", "BC005", "", "CL-0010"),
    ("image not pinned by digest", "BC006", "", "CL-0019"),
    ("image untagged or latest", "BC007", "", "CL-0004"),
    ("host devices", "BC008", "", "CL-0016"),
    ("cap_drop ALL missing", "BC009", "", "CL-0006"),
    ("dangerous cap_add", "BC010 BC011", "", "CL-0011 CL-0024 CL-0027 CL-0028 CL-0029 CL-0030"),
    ("no-new-privileges", "BC012", "", "CL-0003"),
    ("read_only", "BC013", "", "CL-0007"),
    ("seccomp/AppArmor/SELinux off", "BC014", "", "CL-0009"),
    ("port on all interfaces", "BC015", "", "CL-0005"),
    ("memory/CPU limits", "BC017", "", "CL-0026"),
    ("PIDs limit", "BC018", "", ""),
    ("logging disabled", "BC020", "", "CL-0014"),
    ("log rotation", "BC021", "", ""),
    ("database not on an internal network", "BC023", "", ""),
    ("database port published", "BC024", "", ""),
    ("service forced to root", "BC026", "", "CL-0018"),
    ("literal credential", "BC027", "", "CL-0020"),
    ("credential in a value (URL...)", "BC028", "", "CL-0021"),
    ("shared mount propagation", "BC029", "", "CL-0017"),
    ("tmpfs exec/suid/dev", "BC030", "", "CL-0022"),
    ("credentials on an internal and an open network", "BC037", "", ""),
    ("proxy allows every destination (Squid)", "BP001", "", ""),
]
RANK = {"info": 0, "style": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
HADOLINT = {"error": "high", "warning": "medium", "info": "low", "style": "info"}
def load(name):
    with open(os.path.join(work, name)) as f:
        return json.load(f)
hado = load("hadolint.json")
cl = load("compose-lint.json")["findings"]
berth = load("berth.json")
severity = {l.split()[0]: l.split()[1] for l in open(os.path.join(work, "rules.txt"))}
def docs(code):
    return open(os.path.join(work, f"explain-{code}.md")).read()

found = {}  # (tool, concern) -> {file: severity}
for i, (concern, b, h, c) in enumerate(CONCERNS):
    for tool, findings, codes, sev, key in (
        ("hadolint", hado, h.split(), lambda f: HADOLINT[f["level"]], "code"),
        ("compose-lint", cl, c.split(), lambda f: f["severity"].lower(), "rule_id"),
        ("berth", berth["findings"], b.split(), lambda f: f["severity"], "code"),
    ):
        for f in findings:
            if f[key] in codes and not (tool == "compose-lint" and f.get("suppressed")):
                path = f.get("path") or f.get("file")
                prev = found.setdefault((tool, i), {}).get(path)
                s = sev(f)
                if prev is None or RANK[s] > RANK[prev]:
                    found[(tool, i)][path] = s

def cell(tool, i, codes):
    if not codes:
        return "-"
    hits = found.get((tool, i), {})
    if not hits:
        return "0"
    top = max(hits.values(), key=lambda s: RANK[s])
    return f"{len(hits)} ({top})"

print(f"{'concern':40} {'hadolint':>14} {'compose-lint':>14} {'berth':>14}  berth codes")
problems = []
for i, (concern, b, h, c) in enumerate(CONCERNS):
    print(f"{concern:40} {cell('hadolint', i, h):>14} {cell('compose-lint', i, c):>14} {cell('berth', i, b):>14}  {b}")
    ours = found.get(("berth", i), {})
    for tool, codes in (("hadolint", h), ("compose-lint", c)):
        for path, theirs in found.get((tool, i), {}).items():
            mine = ours.get(path)
            explained = any("## Compared with other linters" in docs(code) and any(o in docs(code) for o in codes.split()) for code in b.split())
            if mine is None and not explained:
                problems.append(f"{concern}: {tool} detects it in {path}, berth does not")
            elif mine is not None and RANK[mine] < RANK[theirs] and not explained:
                problems.append(f"{concern}: {tool} rates it {theirs} in {path}, berth {mine}")
hado_other = sorted({f["code"] for f in hado if not any(f["code"] in h.split() for _, _, h, _ in CONCERNS)})
cl_other = sorted({f["rule_id"] for f in cl if not any(f["rule_id"] in c.split() for _, _, _, c in CONCERNS)})
print()
print(f"files: {len(set(f['file'] for f in hado))} Dockerfiles with hadolint findings, {len(set(f['file'] for f in cl))} compose files with compose-lint findings, {berth['summary']['files']} files audited by berth")
print(f"hadolint codes outside the table (ShellCheck and style): {' '.join(hado_other) or 'none'}")
print(f"compose-lint codes outside the table: {' '.join(cl_other) or 'none'}")
if problems:
    print("\nberth misses or under-rates, without an explanation in its rule docs:")
    for p in problems:
        print("  " + p)
    sys.exit(1)
print("\nberth detects every concern hadolint and compose-lint detect on these files, at the same or a higher severity, or its docs say why not")
PY

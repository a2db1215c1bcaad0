#!/usr/bin/env bash
# Runs zizmor (pinned, offline) and `berth audit` over the workflow fixtures (tests/fixtures/audit/
# BW*/) or over the directories given, maps zizmor's audits to berth's rules, and prints per class
# how many findings each tool has and how many the other agrees with. On the fixtures it fails
# when the tools disagree on a finding (zizmor at high severity and not low confidence, or berth
# at any severity) unless the case is listed below as a deliberate difference whose reason the
# berth rule's docs also state (`berth explain CODE`). Given directories (a corpus), it only
# reports, and `--list` prints every disagreement.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
bin="$("$here/install-linters.sh")"
cargo build --quiet --manifest-path "$repo/Cargo.toml"
berth="$repo/target/debug/berth"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

list=0
if [[ "${1:-}" == "--list" ]]; then
  list=1
  shift
fi
if [[ $# -gt 0 ]]; then
  mode=corpus
  roots=("$@")
else
  mode=fixtures
  roots=("$repo/tests/fixtures/audit")
fi

: > "$work/files"
for root in "${roots[@]}"; do
  root="$(cd "$root" && pwd)"
  if [[ "$mode" == fixtures ]]; then
    find "$root" -path '*/BW*/*.workflow.yml' | sort >> "$work/files"
  else
    find "$root" -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) | sort >> "$work/files"
  fi
done
mapfile -t files < "$work/files"

# One file at a time: zizmor stops at the first file it cannot read (some fixtures are minimal
# snippets, not complete workflows). It exits non-zero when it finds something; its JSON counts.
# `--no-ignores`: the comparison is of the analyses; berth reports suppressed findings too.
mkdir "$work/zizmor"
for i in "${!files[@]}"; do
  if ! "$bin/zizmor" --offline --no-ignores --no-progress --format json "${files[$i]}" > "$work/zizmor/$i.json" 2> "$work/zizmor/$i.log" \
    && ! grep -q '^\[' "$work/zizmor/$i.json"; then
    echo "${files[$i]}" >> "$work/unread"
    rm "$work/zizmor/$i.json"
  fi
done
touch "$work/unread"
"$berth" audit --format json --fail-on info "${files[@]}" > "$work/berth.json" 2> "$work/berth.log" || true
"$berth" rules > "$work/rules.txt"
while read -r code _; do
  "$berth" explain "$code" > "$work/explain-$code.md"
done < "$work/rules.txt"

# The linters' venv has PyYAML (compose-lint needs it), for the jobs' line spans.
"$bin/python" - "$work" "$mode" "$list" <<'PY'
import json, os, sys
import yaml
work, mode, show = sys.argv[1], sys.argv[2], sys.argv[3] == "1"

# zizmor audit: (berth rules, findings match on the same "line", in the same "job" or "file").
# secrets-inherit: zizmor points at the job's `uses:`, berth at its `secrets: inherit`.
# unpinned-images: zizmor also counts `uses: docker://image` steps, which are BW001 in berth.
CLASSES = {
    "template-injection": ("BW003 BW015", "line"),
    "dangerous-triggers": ("BW012 BW016", "file"),
    "secrets-inherit": ("BW017", "job"),
    "unpinned-images": ("BW018 BW001", "line"),
    "github-app": ("BW019", "line"),
    "excessive-permissions": ("BW020", "file"),
    "cache-poisoning": ("BW021", "file"),
}
# Only BW001's findings about `docker://` images belong to a class.
ONLY = {"BW001": "by digest"}
# Deliberate differences on the fixtures: (fixture, line or 0 for the file, zizmor audit or berth
# rule that reports alone, rule whose docs give the reason, words of that reason in the docs).
DIFFERENCES = [
    ("BW003/fail.workflow.yml", 0, "dangerous-triggers", "BW016", "has nothing to take"),
    ("BW003/pass.workflow.yml", 0, "dangerous-triggers", "BW016", "has nothing to take"),
    ("BW003/pass.workflow.yml", 15, "template-injection", "BW003", "`github.event.repository.default_branch`"),
    ("BW003/pass.workflow.yml", 17, "template-injection", "BW003", "usernames (`github.actor`"),
    ("BW003/pass.workflow.yml", 18, "template-injection", "BW003", "`pull_request.base.repo.full_name`"),
    ("BW003/fail.workflow.yml", 25, "BW003", "BW003", "berth follows step outputs"),
    ("BW003/fail.workflow.yml", 33, "BW003", "BW003", "berth follows step outputs"),
    ("BW003/fail.workflow.yml", 16, "BW003", "BW003", "`${{ env.TITLE }}` set from a title is high here"),
    ("BW016/pass.workflow.yml", 0, "dangerous-triggers", "BW016", "has nothing to take"),
    ("BW020/fail.workflow.yml", 0, "excessive-permissions", "BW020", "zizmor rates most scopes high"),
]

def load(name):
    with open(os.path.join(work, name)) as f:
        return json.load(f)

def rel(path):
    path = os.path.normpath(path)
    marker = "tests/fixtures/audit/"
    return path.split(marker, 1)[1] if marker in path else path

unread = {rel(l.strip()) for l in open(os.path.join(work, "unread")) if l.strip()}
zizmor = []
for f in [f for name in sorted(os.listdir(os.path.join(work, "zizmor"))) if name.endswith(".json") for f in load(os.path.join("zizmor", name))]:
    primary = next(l for l in f["locations"] if l["symbolic"]["kind"] == "Primary")
    det = f["determinations"]
    zizmor.append({
        "ident": f["ident"],
        "path": rel(primary["symbolic"]["key"]["Local"]["verbatim_path"]),
        "line": primary["concrete"]["location"]["start_point"]["row"] + 1,
        "counts": det["severity"] == "High" and det["confidence"] != "Low",
        "severity": det["severity"].lower(),
    })
berth = [dict(f, path=rel(f["path"])) for f in load("berth.json")["findings"] if rel(f["path"]) not in unread]
berth = [f for f in berth if ONLY.get(f["code"], "") in f["message"]]
full = {rel(p.strip()): p.strip() for p in open(os.path.join(work, "files"))}

spans = {}
def job_of(path, line):
    """The job whose lines hold `line`, from the workflow's YAML."""
    if path not in spans:
        spans[path] = []
        try:
            root = yaml.compose(open(full.get(path, path)))
            jobs = next((v for k, v in root.value if k.value == "jobs"), None)
            for key, value in jobs.value if jobs is not None else []:
                spans[path].append((key.start_mark.line + 1, value.end_mark.line + 1, key.value))
        except Exception:
            pass
    return next((name for start, end, name in spans[path] if start <= line <= end), None)
docs = lambda code: open(os.path.join(work, f"explain-{code}.md")).read() if os.path.exists(os.path.join(work, f"explain-{code}.md")) else ""

def listed(path, line, who):
    for fixture, at, what, code, words in DIFFERENCES:
        if path.endswith(fixture) and at in (0, line) and what == who:
            if words not in docs(code):
                sys.exit(f"the deliberate difference for {fixture}:{at} cites `{words}`, which `berth explain {code}` does not say")
            return True
    return False

problems, rows = [], []
for ident, (codes, by) in CLASSES.items():
    codes = codes.split()
    ours = [f for f in berth if f["code"] in codes]
    theirs = [f for f in zizmor if f["ident"] == ident]
    counted = [f for f in theirs if f["counts"]]
    place = {"line": lambda f: f["line"], "job": lambda f: job_of(f["path"], f["line"]), "file": lambda f: None}[by]
    seen = {(f["path"], "code" in f, place(f)) for f in ours + theirs}
    def matched(f, other_is_berth):
        return (f["path"], other_is_berth, place(f)) in seen
    found = [f for f in counted if matched(f, True)]
    confirmed = [f for f in ours if matched(f, False)]
    rows.append((ident, " ".join(codes), len(counted), len(found), len(ours), len(confirmed)))
    for f in counted:
        if not matched(f, True) and not listed(f["path"], f["line"], ident):
            problems.append(f"{f['path']}:{f['line']}: zizmor {ident} ({f['severity']}), berth {'/'.join(codes)} nothing")
    for f in ours:
        if not matched(f, False) and not listed(f["path"], f["line"], f["code"]):
            problems.append(f"{f['path']}:{f['line']}: berth {f['code']} ({f['severity']}), zizmor {ident} nothing")

print(f"{'zizmor audit':24} {'berth rules':12} {'zizmor high':>12} {'berth has':>10} {'berth':>7} {'zizmor has':>11}")
for ident, codes, counted, found, ours, confirmed in rows:
    print(f"{ident:24} {codes:12} {counted:12} {found:10} {ours:7} {confirmed:11}")
total = sum(r[2] for r in rows)
print(f"\n{len(unread)} files zizmor cannot read as workflows (left out): {' '.join(sorted(unread)) if mode == 'fixtures' else ''}")
print(f"{len(set(f['path'] for f in berth))} files with berth findings; berth finds {sum(r[3] for r in rows)} of zizmor's {total} high-severity, not-low-confidence findings in these classes")
if mode == "fixtures":
    if problems:
        print("\nberth and zizmor disagree, and no deliberate difference explains it:")
        print("\n".join("  " + p for p in problems))
        sys.exit(1)
    print("every disagreement on the fixtures is a deliberate difference that the rule docs explain")
elif show:
    print("\ndisagreements:")
    print("\n".join("  " + p for p in problems))
PY

"""Runs berth over the cases recorded from compose-lint's rule tests and compares the verdicts.

usage: compare.py CASES.jsonl WORKDIR BERTH [DUMP.json]

A case agrees when berth reports a rule of the case's group on the service exactly when
compose-lint reports one of its group. A disagreement must be listed in differences.tsv with a
reason the berth rule's docs state word for word under "## Compared with other linters";
otherwise, or when a listed difference no longer occurs, the comparison fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def table(name: str) -> list[list[str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def main() -> int:
    cases_path, work, berth = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    groups = {" ".join(row[0].split()): row[1].split() for row in table("groups.tsv")}
    differences = {row[0]: (row[1], row[2]) for row in table("differences.tsv")}

    cases, seen, skipped = [], set(), []
    for line in cases_path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if "skip" in case:
            skipped.append(case)
            continue
        key = (case["group"], case["service"], case["source"])
        if key in seen:
            continue
        seen.add(key)
        cases.append(case)

    files = []
    for n, case in enumerate(cases):
        path = work / "cases" / f"{n:04}" / "compose.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case["source"], encoding="utf-8")
        case["path"] = str(path)
        files.append(str(path))

    config = work / "berth-audit.yml"
    config.write_text("enable: [BC006]\n", encoding="utf-8")
    run = subprocess.run(
        [berth, "audit", "--format", "json", "--fail-on", "info", "--config", str(config), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1, 2):
        print(run.stderr, file=sys.stderr)
        return 2
    report = json.loads(run.stdout)
    fired: dict[tuple[str, str], set[str]] = {}
    for finding in report["findings"]:
        fired.setdefault((str(Path(finding["path"]).resolve()), finding.get("scope") or ""), set()).add(finding["code"])
    errors = {str(Path(e["path"]).resolve()): e["message"] for e in report["errors"]}

    explain: dict[str, str] = {}

    def docs(code: str) -> str:
        if code not in explain:
            explain[code] = subprocess.run([berth, "explain", code], capture_output=True, text=True, check=False).stdout
        return explain[code]

    tally = {True: [0, 0], False: [0, 0]}  # compose-lint reported -> [agree, total]
    problems, excused, stale = [], [], []
    for case in cases:
        ours = groups[case["group"]]
        theirs = bool(case["reported"])
        path = str(Path(case["path"]).resolve())
        got = sorted(fired.get((path, case["service"]), set()) & set(ours))
        mine = bool(got)
        error = errors.get(path)
        agree = error is None and mine == theirs
        case.update(berth=got, error=error, agree=agree)
        tally[theirs][1] += 1
        if agree:
            tally[theirs][0] += 1
            if case["id"] in differences:
                stale.append(case["id"])
            continue
        what = (
            f"berth cannot parse it: {error}"
            if error
            else f"compose-lint {'reports' if theirs else 'does not report'} {' '.join(case['reported']) or case['rule']}, "
            f"berth {'reports ' + ' '.join(got) if mine else 'reports none of ' + ' '.join(ours)}"
        )
        listed = differences.get(case["id"])
        if listed is None:
            problems.append(f"{case['id']} (service {case['service']}): {what}\n{indent(case['source'])}")
            continue
        code, reason = listed
        text = docs(code)
        section = text.split("## Compared with other linters", 1)[1] if "## Compared with other linters" in text else ""
        if reason not in " ".join(section.split()):
            problems.append(f"{case['id']}: listed with a reason `{code}`'s docs do not state under Compared with other linters: {reason}")
        else:
            excused.append((case["id"], code, reason))

    if len(sys.argv) > 4:
        Path(sys.argv[4]).write_text(json.dumps(cases, indent=1), encoding="utf-8")
    for theirs, label in ((True, "must report"), (False, "must not report")):
        agree, total = tally[theirs]
        print(f"compose-lint {label}: berth agrees on {agree} of {total}")
    print(f"cases: {len(cases)} distinct ({len(skipped)} skipped: the test passes a service that is not a mapping)")
    print(f"deliberate differences: {len(excused)}")
    by_reason: dict[tuple[str, str], int] = {}
    for _, code, reason in excused:
        by_reason[(code, reason)] = by_reason.get((code, reason), 0) + 1
    for (code, reason), count in sorted(by_reason.items()):
        print(f"  {count:3} {code}: {reason}")
    for case_id in stale:
        problems.append(f"{case_id}: listed in differences.tsv but berth now agrees; remove the line")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("- " + p)
        return 1
    return 0


def indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines()[:30])


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run hadolint's extracted rule cases through `berth audit` and compare.

Usage: run.py BERTH_BINARY CASES_JSON [--report]

Each case names a hadolint rule; mapping.tsv (next to this file) gives berth's counterpart. A
case agrees when berth reports its counterpart at least once on a "must report" case and never
on a "must not report" one. Every disagreement must be listed in differences.tsv with a reason
that `berth explain CODE` also states; a listed case that now agrees is stale. Either fails the
run (exit 1). Prints agreement per rule and in total.
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def read_tsv(name):
    rows = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                rows.append(line.split("\t"))
    return rows


def with_from(text):
    """hadolint's tests may start without FROM; berth (like BuildKit) needs one first."""
    for line in text.splitlines():
        word = line.strip().split(" ", 1)[0].upper()
        if not word or word.startswith("#"):
            continue
        if word == "FROM":
            return text
        if word != "ARG":
            break
    return "FROM scratch\n" + text


def main():
    berth, cases_path = sys.argv[1], sys.argv[2]
    mapping = {row[0]: row[1] for row in read_tsv("mapping.tsv")}
    differences = {row[0]: (row[1], row[2]) for row in read_tsv("differences.tsv")}
    cases = [c for c in json.load(open(cases_path, encoding="utf-8")) if c["code"] in mapping]
    explained = {}
    outcome = {}
    with tempfile.TemporaryDirectory() as work:
        groups = collections.defaultdict(list)
        for case in cases:
            groups[tuple(case["registries"])].append(case)
        for g, (registries, members) in enumerate(sorted(groups.items())):
            folder = os.path.join(work, f"group{g}")
            os.makedirs(folder)
            config = os.path.join(work, f"group{g}.yml")
            with open(config, "w", encoding="utf-8") as f:
                f.write("enable: [BD029]\n")
                if registries:
                    f.write("trusted_registries: [" + ", ".join(json.dumps(r) for r in registries) + "]\n")
            names = {}
            for n, case in enumerate(members):
                name = f"case{n}.Dockerfile"
                names[name] = case
                with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                    f.write(with_from(case["text"]))
            run = subprocess.run(
                [berth, "audit", "--config", config, "--format", "json", "--fail-on", "critical", folder],
                capture_output=True,
                text=True,
            )
            if run.returncode not in (0, 1, 2):
                sys.exit(f"berth exited {run.returncode}: {run.stderr[-2000:]}")
            report = json.loads(run.stdout)
            found = collections.defaultdict(set)
            for finding in report["findings"]:
                found[os.path.basename(finding["path"])].add(finding["code"])
            errors = {os.path.basename(e["path"]): e["message"] for e in report["errors"]}
            for name, case in names.items():
                berth_code = mapping[case["code"]]
                if name in errors:
                    outcome[case["key"]] = (case, f"parse error: {errors[name]}")
                    continue
                reported = berth_code in found[name]
                outcome[case["key"]] = (case, "agree" if reported == case["catches"] else
                                        ("berth misses it" if case["catches"] else "berth reports it"))
        for code in sorted({mapping[c["code"]] for c in cases}):
            explained[code] = subprocess.run([berth, "explain", code], capture_output=True, text=True).stdout

    per_rule = collections.defaultdict(lambda: [0, 0])
    problems = []
    documented = 0
    for key, (case, result) in sorted(outcome.items()):
        per_rule[case["code"]][1] += 1
        if result == "agree":
            per_rule[case["code"]][0] += 1
            if key in differences:
                problems.append(f"stale difference (berth now agrees): {key}")
            continue
        listed = differences.get(key)
        if listed is None:
            problems.append(f"{key}: {result} ({'must' if case['catches'] else 'must not'} report {case['code']}"
                            f" -> {mapping[case['code']]})\n      {case['text']!r}")
        elif listed[0] != mapping[case["code"]]:
            problems.append(f"{key}: listed under {listed[0]}, maps to {mapping[case['code']]}")
        elif " ".join(listed[1].split()) not in " ".join(explained.get(listed[0], "").split()):
            problems.append(f"{key}: the reason is not in `berth explain {listed[0]}`: {listed[1]!r}")
        else:
            documented += 1
    for key in differences:
        if key not in outcome:
            problems.append(f"listed difference matches no case: {key}")

    agree = sum(v[0] for v in per_rule.values())
    total = sum(v[1] for v in per_rule.values())
    catches = [c for c, _ in outcome.values() if c["catches"]]
    catches_agree = sum(1 for c, r in outcome.values() if c["catches"] and r == "agree")
    print(f"{'hadolint rule':14} {'berth':6} {'agree':>6} {'cases':>6}")
    for code in sorted(per_rule):
        a, t = per_rule[code]
        print(f"{code:14} {mapping[code]:6} {a:6} {t:6}")
    print(f"\n{agree} of {total} cases agree ({catches_agree} of {len(catches)} 'must report', "
          f"{agree - catches_agree} of {total - len(catches)} 'must not report'); "
          f"{documented} deliberate differences, each stated in the rule's docs")
    if "--report" in sys.argv:
        return
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        sys.exit(1)


if __name__ == "__main__":
    main()

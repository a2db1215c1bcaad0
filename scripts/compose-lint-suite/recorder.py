"""pytest plugin: records every case compose-lint's own rule tests hand to a rule.

Loaded with `-p recorder` while compose-lint's `tests/test_CL*.py` run. Each call of a rule's
`check` made by the test file for that rule becomes a case: the compose text the test loaded
(or, for a service the test built in Python, that service written out as YAML), the service
checked, and whether compose-lint reported the concern. A concern is a group of compose-lint
rules that berth covers with one group of rules (groups.tsv), so a case counts as reported when
any rule of its group reports it: compose-lint splits capabilities and host paths into tiers
that berth splits differently, and the question here is whether the concern is found.

Cases are appended as JSON lines to $BERTH_CASES.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from pathlib import Path

import yaml

GROUPS: list[list[str]] = []
SOURCES: dict[int, tuple[str, object]] = {}
RULES: dict[str, object] = {}
CHECKS: dict[str, object] = {}
COUNTERS: dict[str, int] = {}


def _load_groups() -> None:
    for line in (Path(__file__).parent / "groups.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            GROUPS.append(line.split("\t")[0].split())


def _group_of(rule_id: str) -> list[str]:
    return next((g for g in GROUPS if rule_id in g), [rule_id])


def _plain(value: object) -> object:
    """The value as plain dicts, lists and scalars (the loader's own types dropped)."""
    return json.loads(json.dumps(value, default=str))


def _test_rule() -> tuple[str, str] | None:
    """The current test's node id and the rule its file tests (`test_CL0016_spellings.py` -> CL-0016)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    nodeid = current.rsplit(" (", 1)[0]
    name = Path(nodeid.split("::", 1)[0]).name
    if not name.startswith("test_CL"):
        return None
    return nodeid, "CL-" + name[len("test_CL") : len("test_CL") + 4]


def _source(name: str, service: object, data: object) -> tuple[str, str]:
    """The compose text of the case and how it was obtained."""
    known = SOURCES.get(id(data))
    if known is not None and known[1] is data and isinstance(data, dict):
        services = data.get("services")
        if isinstance(services, dict) and services.get(name) is service:
            return known[0], "text"
    document = {k: v for k, v in data.items() if k != "services"} if isinstance(data, dict) else {}
    document["services"] = {name: service}
    return yaml.safe_dump(_plain(document), sort_keys=False), "dumped"


def _record(rule_id: str, name: str, service: object, data: object, lines: object, found: list) -> None:
    test = _test_rule()
    if test is None or test[1] != rule_id:
        return
    nodeid = test[0]
    group = _group_of(rule_id)
    reported = {rule_id} if found else set()
    for other in group:
        if other != rule_id and other in RULES:
            if list(CHECKS[other](RULES[other], name, service, data, lines)):
                reported.add(other)
    COUNTERS[nodeid] = COUNTERS.get(nodeid, 0) + 1
    case = {"id": f"{nodeid}#{COUNTERS[nodeid]}", "rule": rule_id, "group": " ".join(group), "service": name}
    if not isinstance(service, dict):
        case["skip"] = "the service is not a mapping"
    else:
        case["source"], case["how"] = _source(name, service, data)
    case["reported"] = sorted(reported)
    with open(os.environ["BERTH_CASES"], "a", encoding="utf-8") as out:
        out.write(json.dumps(case) + "\n")


def _wrap(cls: type) -> None:
    original = cls.__dict__["check"]

    def check(self, service_name, service_config, global_config, lines):  # type: ignore[no-untyped-def]
        found = list(original(self, service_name, service_config, global_config, lines))
        _record(self.metadata.id, service_name, service_config, global_config, lines, found)
        return iter(found)

    cls.check = check
    rule = cls()
    RULES[rule.metadata.id] = rule
    CHECKS[rule.metadata.id] = original


def pytest_configure(config) -> None:  # type: ignore[no-untyped-def]
    _load_groups()
    import compose_lint.rules as rules
    from compose_lint import parser

    for module in pkgutil.iter_modules(rules.__path__):
        if module.name.startswith("CL"):
            importlib.import_module(f"compose_lint.rules.{module.name}")
    pending = list(rules.BaseRule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "check" in cls.__dict__ and not getattr(cls.check, "__isabstractmethod__", False):
            _wrap(cls)

    loads, load_compose = parser.loads, parser.load_compose

    def recording_loads(content, *args, **kwargs):  # type: ignore[no-untyped-def]
        data, lines = loads(content, *args, **kwargs)
        SOURCES[id(data)] = (content, data)
        return data, lines

    def recording_load_compose(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        data, lines = load_compose(path, *args, **kwargs)
        SOURCES[id(data)] = (Path(path).read_text(encoding="utf-8"), data)
        return data, lines

    parser.loads, parser.load_compose = recording_loads, recording_load_compose

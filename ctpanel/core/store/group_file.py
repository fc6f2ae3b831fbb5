"""``groups.json`` in the data folder: the trader's account groups, shared by the panel and the
CLI, read tolerantly (a hand-edited file may hold anything: unreadable entries are skipped),
saved whole through a temporary file; and the Groups dialog's rows, checked before anything is
saved."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ctpanel.core.domain.groups import Group, Member, SizeRule, find_group
from ctpanel.core.domain.protection import MAX_BRACKET_TICKS, Bracket
from ctpanel.core.domain.validation import TEXT_CAPS

GROUPS_FILE = "groups.json"
MAX_MEMBERS = 50


def groups_from(payload: Any) -> list[Group]:
    """Groups from ``groups.json``'s contents; unreadable entries are skipped."""
    items = payload.get("groups") if isinstance(payload, Mapping) else payload
    groups = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            continue
        listed = item.get("members") if isinstance(item.get("members"), list) else []
        members = tuple(m for m in map(_member_from, listed[:MAX_MEMBERS]) if m is not None)
        if item["name"].strip() and members:
            groups.append(Group(item["name"].strip()[:60], members, _bracket_from(item)))
    return groups


def _ticks_from(value: Any) -> int | None:
    """A stored tick count, or None when it is absent or unusable."""
    usable = isinstance(value, int) and not isinstance(value, bool) \
        and 1 <= value <= MAX_BRACKET_TICKS
    return value if usable else None


def _bracket_from(item: Mapping) -> Bracket | None:
    bracket = Bracket(_ticks_from(item.get("stop_ticks")), _ticks_from(item.get("target_ticks")))
    return bracket if bracket.is_set else None


def _member_from(item: Any) -> Member | None:
    if isinstance(item, str):
        item = {"account": item}
    if not isinstance(item, Mapping) or not isinstance(item.get("account"), str) \
            or not item["account"].strip():
        return None
    rule = item.get("rule", "mirror")
    size = item.get("size", 1)
    limit = item.get("max_contracts")
    return Member(
        account=item["account"].strip()[:64],
        rule=SizeRule(rule) if rule in {r.value for r in SizeRule} else SizeRule.MIRROR,
        size=float(size) if isinstance(size, int | float) and 0 < size <= 1000
        and not isinstance(size, bool) else 1.0,
        requires_atm=item.get("requires_atm") is True,
        max_contracts=limit if isinstance(limit, int) and not isinstance(limit, bool)
        and limit > 0 else None)


def groups_json(groups: Iterable[Group]) -> dict:
    """``groups.json``'s contents for ``groups``."""
    return {"groups": [{"name": g.name, **_bracket_json(g.bracket), "members": [
        {"account": m.account, "rule": m.rule.value, "size": m.size,
         "requires_atm": m.requires_atm, "max_contracts": m.max_contracts}
        for m in g.members]} for g in groups]}


def _bracket_json(bracket: Bracket | None) -> dict:
    if bracket is None:
        return {}
    return {"stop_ticks": bracket.stop_ticks, "target_ticks": bracket.target_ticks}


def load_groups(folder: Path) -> list[Group]:
    """The trader's groups (none when the file is missing or unreadable)."""
    try:
        return groups_from(json.loads((folder / GROUPS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []


def save_groups(folder: Path, groups: Iterable[Group]) -> None:
    """Save ``groups`` whole into ``folder`` (through a temporary file: never half-written)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / GROUPS_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(groups_json(groups), indent=2), encoding="utf-8")
    temporary.replace(path)


class GroupFile:
    """``groups.json`` in a folder: the panel's and the CLI's groups; ``demo``: the groups the
    demo simulator seeds (:mod:`ctpanel.sim.seed`), offered in demo mode beside them."""

    def __init__(self, folder: Path | None, demo: Iterable[Group] = ()) -> None:
        self.folder = folder  # None: no file (tests, the benchmark): no groups of the trader's
        self.demo = tuple(demo)

    def load(self) -> list[Group]:
        return load_groups(self.folder) if self.folder is not None else []

    def save(self, groups: Iterable[Group]) -> None:
        if self.folder is not None:
            save_groups(self.folder, groups)

    def offered(self, mode: str) -> list[Group]:
        return offered_groups(self.load(), self.demo if mode == "demo" else ())


def group_rows(groups: Iterable[Group]) -> list[tuple]:
    """One row per member, as the Groups table shows them: (group, account, rule, size,
    requires an ATM template, max contracts or 0, the group's stop ticks or 0, its target
    ticks or 0)."""
    return [(g.name, m.account, m.rule.value, m.size, m.requires_atm, m.max_contracts or 0,
             *_bracket_cells(g.bracket)) for g in groups for m in g.members]


def _bracket_cells(bracket: Bracket | None) -> tuple[int, int]:
    if bracket is None:
        return 0, 0
    return bracket.stop_ticks or 0, bracket.target_ticks or 0


def groups_from_rows(rows: Iterable[tuple]) -> tuple[list[Group], list[str]]:
    """The groups a table's rows make (rows of one group name form one group, in order), and
    what is wrong with the rows, in plain words (nothing is saved while anything is). A group's
    stop and target ticks are its own, not a member's: a row may leave them 0 (the group's
    other rows say them), but two rows of one group may not say different ones."""
    members: dict[str, list[Member]] = {}
    ticks: dict[str, dict[str, int]] = {}
    problems = []
    for number, row in enumerate(rows, 1):
        name, account, rule, size, requires_atm, max_contracts, *bracket = row
        name, account = str(name).strip(), str(account).strip()
        problem = _row_problem(number, name, account, members)
        if problem:
            problems.append(problem)
            continue
        problems.extend(_take_ticks(number, name, bracket, ticks.setdefault(name, {})))
        members.setdefault(name, []).append(Member(
            account, SizeRule(rule), float(size), bool(requires_atm),
            int(max_contracts) if max_contracts else None))
    return [Group(name, tuple(found), _bracket_of(ticks.get(name, {})))
            for name, found in members.items()], problems


def _row_problem(number: int, name: str, account: str,
                 members: Mapping[str, list[Member]]) -> str:
    if not name or not account:
        return f"Row {number}: a member needs a group name and an account."
    for field, text in (("group", name), ("account", account)):
        noun, cap = TEXT_CAPS[field]
        if len(text) > cap:
            return (f"Row {number}: {noun} has at most {cap} characters; this one has "
                    f"{len(text):,}.")
    if any(m.account == account for m in members.get(name, [])):
        return f"Row {number}: {account} is already in {name}."
    return ""


def _take_ticks(number: int, name: str, cells: list, taken: dict[str, int]) -> list[str]:
    """The row's stop and target ticks into the group's ``taken``; a clash, in words."""
    problems = []
    for leg, value in zip(("stop", "target"), cells, strict=False):
        value = int(value or 0)
        if not value:
            continue
        if taken.setdefault(leg, value) != value:
            problems.append(f"Row {number}: {name}'s {leg} is {taken[leg]} t on an earlier row; "
                            f"a group has one default {leg}, so give every row {taken[leg]} "
                            "or leave it empty.")
    return problems


def _bracket_of(taken: Mapping[str, int]) -> Bracket | None:
    bracket = Bracket(taken.get("stop"), taken.get("target"))
    return bracket if bracket.is_set else None


def offered_groups(groups: list[Group], also: Iterable[Group] = ()) -> list[Group]:
    """The trader's groups, then ``also`` (the simulator's demo groups) unless one of the
    trader's has its name."""
    return [*groups, *(extra for extra in also if find_group(groups, extra.name) is None)]

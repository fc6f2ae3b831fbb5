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
            groups.append(Group(item["name"].strip()[:60], members))
    return groups


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
    return {"groups": [{"name": g.name, "members": [
        {"account": m.account, "rule": m.rule.value, "size": m.size,
         "requires_atm": m.requires_atm, "max_contracts": m.max_contracts}
        for m in g.members]} for g in groups]}


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
    requires an ATM template, max contracts or 0)."""
    return [(g.name, m.account, m.rule.value, m.size, m.requires_atm, m.max_contracts or 0)
            for g in groups for m in g.members]


def groups_from_rows(rows: Iterable[tuple]) -> tuple[list[Group], list[str]]:
    """The groups a table's rows make (rows of one group name form one group, in order), and
    what is wrong with the rows, in plain words (nothing is saved while anything is)."""
    members: dict[str, list[Member]] = {}
    problems = []
    for number, (name, account, rule, size, requires_atm, max_contracts) in enumerate(rows, 1):
        name, account = str(name).strip(), str(account).strip()
        if not name or not account:
            problems.append(f"Row {number}: a member needs a group name and an account.")
            continue
        long_one = next(((field, len(text)) for field, text in (("group", name),
                                                                 ("account", account))
                         if len(text) > TEXT_CAPS[field][1]), None)
        if long_one is not None:
            field, length = long_one
            noun, cap = TEXT_CAPS[field]
            problems.append(f"Row {number}: {noun} has at most {cap} characters; this one has "
                            f"{length:,}.")
            continue
        if any(m.account == account for m in members.get(name, [])):
            problems.append(f"Row {number}: {account} is already in {name}.")
            continue
        members.setdefault(name, []).append(Member(
            account, SizeRule(rule), float(size), bool(requires_atm),
            int(max_contracts) if max_contracts else None))
    return [Group(name, tuple(found)) for name, found in members.items()], problems


def offered_groups(groups: list[Group], also: Iterable[Group] = ()) -> list[Group]:
    """The trader's groups, then ``also`` (the simulator's demo groups) unless one of the
    trader's has its name."""
    return [*groups, *(extra for extra in also if find_group(groups, extra.name) is None)]

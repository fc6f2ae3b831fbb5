"""Journal records -> the log's history lines, Qt-free: each at its own time, labelled with
its mode, and only the current mode's (demo history never appears in a live log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class HistoryLine:
    """One line of the journal's history, as the log shows it at start."""

    time: datetime  # local time, as the log shows every line
    text: str
    order_id: str | None


def journal_time(stamp: object) -> datetime:
    """A record's own time in local time (its ISO stamp is UTC); an unreadable stamp is shown
    as the epoch's start, never as now."""
    try:
        return datetime.fromisoformat(str(stamp)).astimezone().replace(tzinfo=None)
    except ValueError:
        return datetime(1970, 1, 1)


EXITS = ("close", "flatten", "cancel", "flatten everything")


def history_lines(records: Iterable[dict[str, Any]], mode: str) -> list[HistoryLine]:
    """The log's lines for the journal's last ``records`` in ``mode``."""
    lines = []
    for record in records:
        if record.get("mode") != mode:
            continue
        when = journal_time(record.get("time"))
        kind = record.get("kind")
        if kind == "intent":
            continue  # written ahead of a request: its outcome (or reconciliation) says more
        if kind == "reconciled":
            outcome, status = f"read back {record.get('read')}", "reconciled"
        elif kind == "fill":
            outcome, status = f"{record.get('order_id')} {record.get('line')}", "fill"
        elif kind == "group":  # the record tying a group action's members together
            outcome, status = record.get("summary"), f"{record.get('status')} group " \
                                                     f"{record.get('action')}"
        elif kind in EXITS:  # what was read back, or why it failed
            outcome = record.get("outcome") or record.get("error") or record.get("status")
            status = f"{record.get('status')} {kind}"
        else:
            outcome = record.get("order_id") or record.get("error") or record.get("status")
            status = record.get("status")
        where = record.get("group") if kind == "group" else \
            f"{record.get('account')} {record.get('instrument')}"
        text = f"[journal, {mode}, {when:%Y-%m-%d}] {status}: {where}: {outcome}"
        order_id = record.get("order_id")
        lines.append(HistoryLine(when, text, order_id if isinstance(order_id, str) else None))
    return lines

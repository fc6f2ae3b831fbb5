"""Append-only audit journal of order requests and their outcomes, one JSON object a line.

Each record is written with a single ``write`` of a complete line, then flushed and fsynced, so
a crash can at worst leave a torn last line, which :meth:`Journal.read_last` skips. The token is
never part of a record: records are built from the order ticket and the outcome only.

The ``*_async`` methods import asyncio when called, not at the top: the panel builds its journal
before asyncio is loaded, to show its window sooner.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ctpanel.core.runtime.version import app_version

JOURNAL_FILE = "journal.jsonl"
# O_BINARY (Windows only): without it Windows' C runtime opens the file in text mode and
# writes every "\n" as "\r\n".
OPEN_FLAGS = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)


def now_iso() -> str:
    """Now, in UTC, to the millisecond (every record's ``time``)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Journal:
    """The journal file at ``path`` (created on first write)."""

    def __init__(self, path: Path | str, *, door: str = "panel") -> None:
        self.path = Path(path)
        self.door = door  # who writes: "panel" or "cli" (one data folder serves both)
        self._lock = threading.Lock()  # appends come from worker threads
        self._tail_checked = False

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    def append(self, record: dict[str, Any], *, durable: bool = True) -> None:
        """Write one record as one ``write`` of a whole line, then fsync it (blocking: the
        desk's :class:`~ctpanel.core.desk.records.Records`, its one caller, writes from a
        worker thread). ``durable=False``: no fsync, for an intent written on the click path
        (a killed process loses nothing the OS already holds; the fsync follows off the click
        path, :meth:`sync`)."""
        self.append_all([record], durable=durable)

    def append_all(self, records: list[dict[str, Any]], *, durable: bool = True) -> None:
        """Several records, each a whole line, in one ``write`` and one fsync (a group's
        intents before any member's request leaves; the outcomes that landed together)."""
        stamp = {"time": now_iso(), "version": app_version()}
        data = "".join(json.dumps({**stamp, **record}, separators=(",", ":"),
                                  ensure_ascii=False, default=str) + "\n"
                       for record in records).encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, OPEN_FLAGS, 0o600)
            try:
                if not self._tail_checked:
                    data = self._after_torn_tail(fd) + data
                    self._tail_checked = True
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)

    def sync(self) -> None:
        """Make what was written without an fsync durable (blocking)."""
        with self._lock:
            fd = os.open(self.path, OPEN_FLAGS, 0o600)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    @staticmethod
    def _after_torn_tail(fd: int) -> bytes:
        """A newline to close a line torn by an earlier crash, so the next record stays whole."""
        size = os.fstat(fd).st_size
        if not size:
            return b""
        # lseek + read, not pread (POSIX only). Moving the offset is harmless: with
        # O_APPEND every write goes to the end of the file, on Windows as on POSIX.
        os.lseek(fd, size - 1, os.SEEK_SET)
        return b"" if os.read(fd, 1) == b"\n" else b"\n"

    async def read_last_async(self, count: int = 200) -> list[dict[str, Any]]:
        import asyncio

        return await asyncio.to_thread(self.read_last, count)

    def read_last(self, count: int = 200) -> list[dict[str, Any]]:
        """The last ``count`` readable records, oldest first; torn or foreign lines are skipped."""
        records = []
        for raw in self._last_lines(count):
            record = _record_of(raw)
            if record is not None:
                records.append(record)
        return records[-count:]

    def torn_lines(self, count: int = 200) -> list[bytes]:
        """The lines among the last ``count`` that are not whole records: a write cut short by
        a crash (the last line without its newline, or one a later start closed)."""
        return [raw for raw in self._last_lines(count) if _record_of(raw) is None]

    def _last_lines(self, count: int) -> deque[bytes]:
        try:
            with self.path.open("rb") as file:
                return deque(file, maxlen=count + 1)
        except FileNotFoundError:
            return deque()


def _record_of(raw: bytes) -> dict[str, Any] | None:
    """The record a whole line holds; None for a torn line (no newline) or one not a record."""
    if not raw.endswith(b"\n"):
        return None  # torn last line from a crash mid-write
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None

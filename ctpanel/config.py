"""What ctpanel takes from its command line and its environment, in one place: the connection
settings (``--base-url``/``CTPANEL_BASE_URL``, ``--ws-url``/``CTPANEL_WS_URL``, ``--timeout``),
the data folder (``CTPANEL_DATA_DIR``), and the exit codes the command line promises. (The
token's ``CTPANEL_TOKEN`` is read by :func:`ctpanel.core.store.credentials.resolve_token`, which
decides between it and the keyring.)

Exit codes (also in README):
0 ok, 2 invalid input, 3 rejected (incl. no position), 4 token problem,
5 not connected / unreachable / rate limited / server error, 6 outcome unknown.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import platformdirs

from ctpanel.core.store.journal import JOURNAL_FILE
from ctpanel.core.wire.urls import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ws_url_for

# The exits' commands (parsed in ctpanel.cli, run by ctpanel.cli.exits).
EXIT_COMMANDS = ("close", "flatten", "cancel", "orders")

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_REJECTED = 3
EXIT_AUTH = 4
EXIT_UNAVAILABLE = 5
EXIT_UNKNOWN = 6


def connection_settings(args: argparse.Namespace) -> tuple[str, str, float]:
    """Base URL, WebSocket URL and timeout: the arguments first, then the environment, then
    CrossTrade's own."""
    base_url = getattr(args, "base_url", None) or os.environ.get("CTPANEL_BASE_URL") \
        or DEFAULT_BASE_URL
    ws_url = getattr(args, "ws_url", None) or os.environ.get("CTPANEL_WS_URL") \
        or ws_url_for(base_url)
    timeout = getattr(args, "timeout", None) or DEFAULT_TIMEOUT
    return base_url, ws_url, timeout


def data_dir() -> Path:
    """Where ctpanel keeps its files; ``CTPANEL_DATA_DIR`` overrides (tests, portable use).
    ``%LOCALAPPDATA%\\ctpanel``, ``~/Library/Application Support/ctpanel``,
    ``~/.local/share/ctpanel``."""
    override = os.environ.get("CTPANEL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("ctpanel", False))


def default_journal_path() -> Path:
    return data_dir() / JOURNAL_FILE

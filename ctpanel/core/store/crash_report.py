"""A crash leaves a report: the traceback and the versions, in the data folder, never the token
(the caller scrubs the traceback; nothing else here comes from outside)."""

from __future__ import annotations

import platform
import sys
from datetime import datetime
from pathlib import Path

from ctpanel.core.runtime.version import app_version

REPORTS_FOLDER = "crash-reports"
KEEP_REPORTS = 20  # the oldest go: a crash loop must not fill the disk


def write_report(data_folder: Path, traceback_text: str, *, qt: str = "") -> Path:
    """Write ``traceback_text`` with the version and platform into ``data_folder`` (the last
    few reports kept); the report's path."""
    folder = data_folder / REPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    runs_on = " · ".join(part for part in (f"Python {sys.version.split()[0]}",
                                            f"Qt {qt}" if qt else "", platform.platform())
                         if part)
    header = f"ctpanel {app_version()} crash report, {when}\n{runs_on}\n\n"
    path.write_text(header + traceback_text, encoding="utf-8")
    for old in sorted(folder.glob("crash-*.txt"))[:-KEEP_REPORTS]:
        old.unlink(missing_ok=True)
    return path

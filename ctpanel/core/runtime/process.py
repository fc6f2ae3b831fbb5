"""Facts about this process, for the start-up report (``--report-ready``) and benchmarks."""

from __future__ import annotations

from pathlib import Path


def peak_memory_kib() -> int:
    """The process's peak resident memory, from Linux's /proc (0 elsewhere: Windows and macOS
    have no /proc, and the report is for benchmarks run on Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)

"""Help -> About: the version, what it runs on, where its files are, its licence."""

from __future__ import annotations

import platform
import sys

import PySide6
from PySide6.QtCore import qVersion

from ctpanel.config import data_dir
from ctpanel.core.runtime.version import app_version

LICENCE = "MIT"


def about_text() -> str:
    return (f"ctpanel {app_version()}\n"
            "One-click Reverse Position for NinjaTrader 8 through CrossTrade.\n\n"
            f"Python {sys.version.split()[0]} · Qt {qVersion()} (PySide6 {PySide6.__version__})"
            f" · {platform.system()} {platform.release()}\n"
            f"Data folder (settings, journal, crash reports): {data_dir()}\n"
            f"Licence: {LICENCE}")

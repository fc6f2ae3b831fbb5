"""Where the style sheet, icons and sounds are: package data when installed, beside the app in
a bundle.

From a wheel or a source checkout they are the ``ctpanel.resources`` package (the top-level
``resources/`` folder, mapped in pyproject.toml). PyInstaller bundles do not carry that mapping,
so the spec copies the folder to ``resources/`` inside the bundle and we look there.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

ASSET_NAMES = ("dark.qss", "ctpanel.png", "ctpanel.ico", "ctpanel.icns", "sound-sent.wav",
               "sound-filled.wav", "sound-rejected.wav", "sound-unknown.wav")


def asset_folder() -> Traversable:
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return resources.files("ctpanel.resources")


def asset(name: str) -> Traversable:
    return asset_folder().joinpath(name)

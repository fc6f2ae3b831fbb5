"""Preferences (declared once, with their defaults, in :mod:`ctpanel.panel.options`) and window
state, kept in two files.

Both live in ctpanel's data folder as INI files that QSettings writes atomically. The token is
never stored here: it lives in the OS keyring only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from ctpanel.config import data_dir
from ctpanel.panel.options import OPTIONS, remember


class Preferences:
    """Typed access to the declared options (a :class:`~ctpanel.panel.options.PreferenceStore`);
    unknown keys are a programming error."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or data_dir() / "settings.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._settings.fileName()

    def get(self, key: str) -> Any:
        default = OPTIONS[key].default
        value = self._settings.value(key, default)
        return _coerce(value, default)

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self._settings.setValue(key, value)
        self._settings.sync()

    def remember(self, key: str, item: str) -> list[str]:
        return remember(self, key, item)


class WindowState:
    """Geometry and splitter positions, apart from preferences."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or data_dir() / "window-state.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def load(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) else None

    def save(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()


def _coerce(value: Any, default: Any) -> Any:
    """INI files hand back strings; turn them into the default's type, else the default."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
    if isinstance(default, int | float):
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            return default
    if isinstance(default, list):
        if value in (None, ""):
            return []
        items = value if isinstance(value, list) else [value]
        return [str(item) for item in items if str(item).strip()]
    return default if value is None else str(value)

"""ctpanel's version: the one number in ``pyproject.toml``, read from the installed package's
metadata (a PyInstaller bundle carries it: ``copy_metadata`` in the spec).

``importlib.metadata`` costs ~12 ms to import, so it is loaded when the version is first asked
for, never on the panel's start path: the network stack's worker thread asks first.
"""

from __future__ import annotations

import functools


@functools.cache
def app_version() -> str:
    """The installed version of ctpanel ("unknown" from a source tree never installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ctpanel")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"

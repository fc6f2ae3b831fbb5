"""Linux only: are the system libraries Qt needs there, before Qt is loaded?

PySide6's wheels carry Qt but not the X11/OpenGL/font libraries of the system. When one is
missing, Qt aborts the process (exit 134, "xcb-cursor0 ... is needed") with a message a trader
cannot act on. This asks the dynamic loader for each library by its soname, the way Qt will,
and, if any is missing, names the one ``apt-get install`` line that fixes it. No Qt is imported.
It runs before the window is shown, so it looks for files first and asks the loader only about
a library it did not find.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

EXIT_MISSING_LIBRARIES = 2

# soname -> Debian/Ubuntu package, for Qt Gui and Widgets on any platform plugin...
GUI_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
}
# ...and for the X11 ("xcb") platform plugin, the default on a Linux desktop.
XCB_LIBRARIES = {
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def needed_libraries(qt_platform: str | None) -> dict[str, str]:
    """The libraries for ``QT_QPA_PLATFORM`` (unset: xcb, Qt's choice on an X11 desktop)."""
    platforms = (qt_platform or "xcb").split(";")
    uses_xcb = any(name.split(":")[0].strip() == "xcb" for name in platforms)
    return {**GUI_LIBRARIES, **(XCB_LIBRARIES if uses_xcb else {})}


def _library_folders() -> list[Path]:
    """Where the dynamic loader looks first: LD_LIBRARY_PATH, a bundle's own folder, then the
    usual system folders (multiarch Debian/Ubuntu, and the others)."""
    folders = [Path(entry) for entry in os.environ.get("LD_LIBRARY_PATH", "").split(":") if entry]
    bundle = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle may carry its own copy
    if bundle:
        folders.append(Path(bundle))
    machine = os.uname().machine
    for root in ("/lib", "/usr/lib", "/usr/local/lib"):
        folders += [Path(root, f"{machine}-linux-gnu"), Path(root)]
    return [*folders, Path("/lib64"), Path("/usr/lib64")]


def _loadable(soname: str, folders: list[Path]) -> bool:
    """A file lookup first (microseconds); only a library found nowhere there is asked of the
    dynamic loader itself (dlopen: exact, but it maps the library and binds its symbols)."""
    if any(folder.joinpath(soname).exists() for folder in folders):
        return True
    import ctypes

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(libraries: dict[str, str]) -> dict[str, str]:
    folders = _library_folders()
    return {soname: package for soname, package in libraries.items()
            if not _loadable(soname, folders)}


def check_qt_libraries(out: TextIO = sys.stderr, libraries: dict[str, str] | None = None
                       ) -> int | None:
    """None when Qt can load (or this is not Linux); else prints the fix, returns exit code 2."""
    if libraries is None:
        if not sys.platform.startswith("linux"):
            return None
        libraries = needed_libraries(os.environ.get("QT_QPA_PLATFORM"))
    missing = missing_libraries(libraries)
    if not missing:
        return None
    packages = " ".join(sorted(set(missing.values())))
    print(f"ctpanel: the panel needs system libraries that are not installed "
          f"({', '.join(sorted(missing))}). Install them with:\n"
          f"  sudo apt-get install {packages}\n"
          f"(Debian/Ubuntu package names; the command-line commands work without them.)",
          file=out)
    return EXIT_MISSING_LIBRARIES

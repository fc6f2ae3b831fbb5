"""``ctpanel`` / ``python -m ctpanel``: headless commands, or the panel when none is given.

This is the only place that joins the Qt-free CLI with the Qt panel, so that ``ctpanel.cli``
stays importable without Qt.
"""

from __future__ import annotations

import sys


def _launch_panel(args) -> int:
    from ctpanel.desktop_libs import check_qt_libraries

    missing = check_qt_libraries()  # before Qt loads: Qt itself would abort the process
    if missing is not None:
        return missing
    from ctpanel.qt.app import run_panel

    return run_panel(args)


def main() -> int:
    from ctpanel import cli

    return cli.main(launch_panel=_launch_panel)


if __name__ == "__main__":
    sys.exit(main())

"""Unexpected errors: a report in the data folder, a dialog that offers to open it, a log line;
the token scrubbed from all of them and from stderr."""

import sys

from PySide6.QtWidgets import QMessageBox

from ctpanel.backend import Mode, assemble
from ctpanel.config import data_dir
from ctpanel.core.domain.secret import Secret
from ctpanel.core.runtime.version import app_version
from ctpanel.qt.running import install_crash_handler

CANARY = "canary-crash-token-0e9d8c"


def test_a_crash_report_never_shows_the_token(panel_factory, qloop, monkeypatch, capsys):
    async def live_backend(journal):
        return assemble(Mode.LIVE, Secret(CANARY), "http://127.0.0.1:9", "ws://127.0.0.1:9/ws",
                        journal)

    panel = panel_factory(backend_at=live_backend)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    previous_handler = qloop.get_exception_handler()
    install_crash_handler(panel.window)
    try:
        try:
            raise RuntimeError(f"something broke near Bearer {CANARY}")
        except RuntimeError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        qloop.set_exception_handler(previous_handler)
    boxes = [w for w in panel.window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "The panel keeps running" in boxes[0].text()
    assert "something broke near Bearer ***" in boxes[0].detailedText()
    assert CANARY not in boxes[0].detailedText()
    assert CANARY not in capsys.readouterr().err
    assert any("Unexpected error: RuntimeError" in line for line in panel.log_lines())
    assert not any(CANARY in line for line in panel.log_lines())
    [report] = (data_dir() / "crash-reports").glob("crash-*.txt")
    written = report.read_text("utf-8")
    assert written.startswith(f"ctpanel {app_version()} crash report, ")
    assert "Python 3." in written and "Qt 6." in written
    assert "something broke near Bearer ***" in written and CANARY not in written
    assert str(report) in boxes[0].text()
    assert "Open report" in [b.text() for b in boxes[0].buttons()]
    for box in boxes:
        box.close()

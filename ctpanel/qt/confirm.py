"""Asking the trader a yes/no question: the panel's :class:`~ctpanel.panel.ports.Confirmer`,
as a window-modal dialog (the self-test and the tests answer through
:class:`~ctpanel.panel.ports.ScriptedConfirmer`, with no dialog)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    import asyncio


def question_box(title: str, text: str, parent=None) -> QMessageBox:
    """The yes/no question, No the default: Enter must not send by accident."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


class ConfirmService:
    """Shows a window-modal question without a nested event loop, and awaits the answer."""

    async def ask(self, title: str, text: str) -> bool:
        box = question_box(title, text, QApplication.activeWindow())
        import asyncio  # not at the top: the window is built before asyncio is loaded

        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        box.finished.connect(lambda code: answer.done() or answer.set_result(
            code == QMessageBox.StandardButton.Yes))
        box.open()
        try:
            return await answer
        finally:
            box.deleteLater()

"""A group action's result table, bound to the :class:`~ctpanel.panel.panel.Panel`: one row per
member (order id, before -> after, outcome or error) filled as each member's answer lands, the
summary above it ("3 of 5 reversed; APEX-4 rejected: …"). It stays on screen until the next
group action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import WrappedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

COLUMNS = ("Account", "Before -> after", "Order id", "Result")


class GroupTable(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = WrappedLabel("")
        self.summary.setObjectName("groupSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("groupResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(170)  # about five rows: more scroll, never crowd the log
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.setVisible(False)
        follow(self, panel.events.group_member, self.show_member)
        follow(self, panel.events.order_finished, self.show_outcome)

    def show_member(self, outcome: Any) -> None:
        """One member's row, as its answer lands."""
        if not self.isVisible():
            self.table.setRowCount(0)
            self.summary.setText("Sending to every member…")
            self.setVisible(True)
        self._row(outcome)

    def show_outcome(self, outcome: Any) -> None:
        outcomes = getattr(outcome, "outcomes", None)
        if outcomes is None:
            return  # not a group's: the table keeps the last group's result
        self.setVisible(True)
        self.table.setRowCount(0)
        for member in outcomes:
            self._row(member)
        self.table.resizeColumnsToContents()
        self.summary.setText(outcome.summary())

    def _row(self, outcome: Any) -> None:
        row = next((r for r in range(self.table.rowCount())
                    if self.table.item(r, 0).text() == outcome.account), None)
        if row is None:
            row = self.table.rowCount()
            self.table.insertRow(row)
        before = outcome.step.before.describe() if outcome.step.before else "?"
        after = outcome.after.describe() if outcome.after else "–"
        result = outcome.step.skipped if outcome.status == "skipped" else (
            outcome.status if outcome.status == "ok" else f"{outcome.status}: {outcome.error}")
        for column, text in enumerate((outcome.account, f"{before} -> {after}",
                                       outcome.order_id or "–", result)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.table.setItem(row, column, item)

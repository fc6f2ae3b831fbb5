"""The selected group as a table, bound to the :class:`~ctpanel.panel.panel.Panel`: one row per
member, with its position and open P&L as read, what REVERSE and CLOSE would do to it (the
panel's :class:`~ctpanel.panel.glance.MemberRow`), and its last result (order id, before ->
after, outcome or error), filled as each member's answer lands. The summary above it says the
whole ("3 of 5 reversed; APEX-4 rejected: …"). Up to 10 rows show before it scrolls, never
fewer than 3; later columns (protection, risk room, in sync) go before the last result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctpanel.panel.views import TicketState
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

COLUMNS = ("Account", "Position", "Open P&L", "On REVERSE", "On CLOSE", "Risk", "In sync",
           "Last result")
RISK, SYNC = 5, 6
# The breach preview's colours, as a background (the words say it too: "red: …").
# Dark tints: the dark style's light text stays readable on them.
LEVEL_COLOURS = {"green": "#1f4d2b", "amber": "#5c4500", "red": "#6b1d1d"}
RESULT = len(COLUMNS) - 1
ROWS_SHOWN = (3, 10)  # the table's least and most rows before it scrolls


class GroupTable(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = ElidedLabel("")
        self.summary.setObjectName("groupSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("groupResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # The risk and sync words can be long: their columns keep a width and elide (the
        # whole text in the cell's tooltip), so every column stays in view.
        for column, chars in ((RISK, 44), (SYNC, 30)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, self.fontMetrics().averageCharWidth() * chars)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustIgnored)
        self.group = ""
        self.panel = panel
        # The trader's choices, never taken for them (also in the Orders menu): each row's
        # context menu brings its member in line (previewed, sent on a yes).
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._fit_rows()
        follow(self, panel.events.ticket, self.show_ticket)
        follow(self, panel.events.group_member, self.show_member)
        follow(self, panel.events.order_finished, self.show_outcome)
        self.show_ticket(panel.ticket_state)

    def _fit_rows(self) -> None:
        """Room for 3 rows at least, 10 at most, then a scroll bar."""
        row = self.table.verticalHeader().defaultSectionSize()
        chrome = (self.table.horizontalHeader().sizeHint().height()
                  + self.table.horizontalScrollBar().sizeHint().height()
                  + 2 * self.table.frameWidth())
        least, most = ROWS_SHOWN
        self.table.setMinimumHeight(chrome + least * row)
        self.table.setMaximumHeight(chrome + most * row + 2)

    def show_ticket(self, state: TicketState) -> None:
        """Each member's row as read, before any action (the last results kept)."""
        if state.preview is None:
            return  # on the click path: left as shown
        if not state.group:
            return  # an account picked: the group's last results stay for its return
        if state.group != self.group:
            self.group = state.group
            self.table.setRowCount(0)
            self.summary.setText("")
        if not self.summary.text() or self.summary.property("from") == "ticket":
            offer = f" · {state.leave_out} (Orders → Leave out refused members)" \
                if state.leave_out else ""
            self.summary.setText(state.group_summary + offer)
            self.summary.setProperty("from", "ticket")
        for member in state.members:
            row = self._row_of(member.account)
            risk = f"{member.level.upper()}: {member.risk}" if member.level else member.risk
            for column, text in enumerate((member.account, member.position, member.pnl,
                                           member.reverse, member.close, risk,
                                           f"OUT OF SYNC: {member.sync}" if member.sync
                                           else "in sync")):
                self._set(row, column, text)
            item = self.table.item(row, RISK)
            colour = LEVEL_COLOURS.get(member.level)
            item.setBackground(QBrush(QColor(colour)) if colour else QBrush())

    def out_of_sync(self) -> list[str]:
        """The members marked out of sync, the selected row's first."""
        rows = [r for r in range(self.table.rowCount())
                if (self.table.item(r, SYNC) or QTableWidgetItem()).text().startswith("OUT")]
        current = self.table.currentRow()
        rows.sort(key=lambda r: r != current)
        return [self.table.item(r, 0).text() for r in rows]

    def _row_menu(self, at) -> None:
        row = self.table.rowAt(at.y())
        item = self.table.item(row, 0) if row >= 0 else None
        account = item.text() if item is not None else ""
        if account not in self.out_of_sync():
            return
        menu = QMenu(self)
        menu.addAction(f"Bring {account} in line…", lambda: self.panel.bring_in_line(account))
        menu.exec(self.table.viewport().mapToGlobal(at))

    def show_member(self, outcome: Any) -> None:
        """One member's last result, as its answer lands."""
        self.summary.setText("Sending to every member…")
        self.summary.setProperty("from", "action")
        self._result(outcome)

    def show_outcome(self, outcome: Any) -> None:
        outcomes = getattr(outcome, "outcomes", None)
        if outcomes is None:
            return  # not a group's: the table keeps the last group's result
        for member in outcomes:
            self._result(member)
        self.summary.setText(outcome.summary())
        self.summary.setProperty("from", "action")

    def _result(self, outcome: Any) -> None:
        before = outcome.step.before.describe() if outcome.step.before else "?"
        after = outcome.after.describe() if outcome.after else "–"
        result = outcome.step.skipped if outcome.status == "skipped" else (
            outcome.status if outcome.status == "ok" else f"{outcome.status}: {outcome.error}")
        row = self._row_of(outcome.account)
        self._set(row, 0, outcome.account)
        # The outcome first: the order id, the longest part, is cut first.
        self._set(row, RESULT, f"{result} · {before} -> {after} · {outcome.order_id or '–'}")

    def _row_of(self, account: str) -> int:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == account:
                return row
        row = self.table.rowCount()
        self.table.insertRow(row)
        return row

    def _set(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
            item.setToolTip(text)

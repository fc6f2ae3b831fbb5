"""The window's lower part: the working orders, the selected group's table and the log, as
tabs. It keeps at least four lines and gives its room back when the window is short. The
group's tab shows only while a group is selected, and comes to the front when one is picked
or acts; the working orders come to the front when one more is working."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from ctpanel.panel.views import TicketState
from ctpanel.qt.widgets.exits_view import WorkingOrdersView
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.group_table import GroupTable
from ctpanel.qt.widgets.log_pane import LogPane

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

LINES_KEPT = 4


class LowerPart(QTabWidget):
    def __init__(self, panel: Panel, log_pane: LogPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lowerTabs")
        self.working = WorkingOrdersView(panel)
        self.group_table = GroupTable(panel)
        self.log_pane = log_pane
        log_pane.setTabChangesFocus(True)  # Tab leaves the log; it never types a tab
        log_pane.setMinimumHeight(log_pane.fontMetrics().lineSpacing() * LINES_KEPT
                                  + 2 * log_pane.frameWidth() + 8)
        self.addTab(self.working, "&Working orders")
        self.addTab(self.group_table, "G&roup")
        self.addTab(log_pane, "Lo&g")
        self.setCurrentWidget(log_pane)
        self.setTabVisible(self.indexOf(self.group_table), False)
        self._group = ""
        self._working = -1
        follow(self, panel.events.ticket, self.show_ticket)
        follow(self, panel.events.group_member, lambda _: self.setCurrentWidget(self.group_table))
        self.show_ticket(panel.ticket_state)

    def show_ticket(self, state: TicketState) -> None:
        if state.preview is None:
            return  # on the click path
        if state.group != self._group:
            self._group = state.group
            index = self.indexOf(self.group_table)
            self.setTabVisible(index, bool(state.group))
            self.setTabText(index, f"G&roup: {state.group}" if state.group else "G&roup")
            if state.group:
                self.setCurrentWidget(self.group_table)
            elif self.currentWidget() is self.group_table:
                self.setCurrentWidget(self.log_pane)
        count = self.working.count()
        if count != self._working:
            if count > max(self._working, 0) and self.currentWidget() is not self.group_table:
                self.setCurrentWidget(self.working)  # a new working order is shown, not hidden
            self._working = count
            self.setTabText(self.indexOf(self.working),
                            f"&Working orders ({count})" if count else "&Working orders")

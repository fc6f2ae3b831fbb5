"""The full panel's upper part: the mode band, the status lights, the quote line, the position
strip, the order form, the ticket (REVERSE) and the exits, each bound to the same
:class:`~ctpanel.panel.panel.Panel`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ctpanel.panel.views import ModeView
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.exits_view import ExitsView
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel
from ctpanel.qt.widgets.order_form import OrderForm
from ctpanel.qt.widgets.position_strip import PositionStrip
from ctpanel.qt.widgets.quote_line import QuoteLine
from ctpanel.qt.widgets.status_lights import StatusLights
from ctpanel.qt.widgets.ticket_view import TicketView

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


class ModeBand(ElidedLabel):
    """DEMO or LIVE (and HOTKEY ARMED) in words and colour (the style sheet's [mode=...] and
    [armed=...] rules)."""

    def __init__(self, panel: Panel) -> None:
        super().__init__()
        self.setObjectName("modeBand")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        follow(self, panel.events.mode, self.show_mode)
        self.show_mode(panel.mode_view())

    def show_mode(self, view: ModeView) -> None:
        self.setText(view.band)
        if (self.property("mode"), self.property("armed")) != (view.mode, view.armed):
            self.setProperty("mode", view.mode)
            self.setProperty("armed", view.armed)
            restyle(self)


class PanelBody(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.band = ModeBand(panel)
        self.lights = StatusLights(panel)
        self.quote_line = QuoteLine(panel)
        self.strip = PositionStrip(panel)
        self.form = OrderForm(panel)
        self.ticket = TicketView(panel)
        self.exits = ExitsView(panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.band, self.lights, self.quote_line, self.strip, self.form,
                       self.ticket, self.exits):
            layout.addWidget(widget)

"""The full panel's upper part: the mode band, the status lights, the quote line, the position
strip, the order form, the ticket (REVERSE) and the exits, each bound to the same
:class:`~ctpanel.panel.panel.Panel`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ctpanel.panel.views import ModeView
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.entries_view import EntryButtons, ProtectionRow
from ctpanel.qt.widgets.exits_view import ExitsView
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import FittedLabel
from ctpanel.qt.widgets.order_form import OrderForm
from ctpanel.qt.widgets.position_strip import PositionStrip
from ctpanel.qt.widgets.quote_line import QuoteLine
from ctpanel.qt.widgets.status_lights import StatusLights
from ctpanel.qt.widgets.ticket_view import TicketView

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


class ModeBand(FittedLabel):
    """DEMO or LIVE (and HOTKEY ARMED) in words and colour (the style sheet's [mode=...] and
    [armed=...] rules)."""

    def __init__(self, panel: Panel) -> None:
        super().__init__()
        self.setObjectName("modeBand")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        follow(self, panel.events.mode, self.show_mode)
        self.show_mode(panel.mode_view())

    def show_mode(self, view: ModeView) -> None:
        self.setTexts(view.bands)
        if (self.property("mode"), self.property("armed")) != (view.mode, view.armed):
            self.setProperty("mode", view.mode)
            self.setProperty("armed", view.armed)
            restyle(self)


class PanelBody(QWidget):
    """Read top to bottom as a trader's eye goes: the mode, the selection, what I hold, what
    the market is, what the button will do, the buttons; then the order controls, which scroll
    (never squash) when the window is short."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.band = ModeBand(panel)
        self.lights = StatusLights(panel)
        self.quote_line = QuoteLine(panel)
        self.strip = PositionStrip(panel)
        self.form = OrderForm(panel, self)
        self.exits = ExitsView(panel, refused=self.form.say_refused)
        self.entries = EntryButtons(panel)
        self.protection = ProtectionRow(panel)
        self.ticket = TicketView(panel, self.exits, entries=self.entries,
                                 protection=self.protection)
        self.controls = QScrollArea()
        self.controls.setObjectName("orderControls")
        self.controls.setWidgetResizable(True)
        self.controls.setFrameShape(QScrollArea.Shape.NoFrame)
        self.controls.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.controls.setWidget(self.form.controls)
        self.controls.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # At least the side and size and the details' header; the rest scrolls when short.
        self.controls.setMinimumHeight(self.form.mirror.sizeHint().height()
                                       + self.form.details_header.sizeHint().height() + 12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.setSpacing(3)
        for widget in (self.band, self.lights, self.form.selection, self.strip,
                       self.quote_line, self.ticket):
            layout.addWidget(widget)
        layout.addWidget(self.controls, 1)
        self.form.hide()  # its two parts are laid out here; the form itself only binds them

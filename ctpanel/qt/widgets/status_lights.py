"""Small coloured lights: token, CrossTrade, NinjaTrader, WebSocket, and the request budget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ctpanel.panel.views import StatusView
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

LIGHT_COLOURS = {"ok": "#3fb68b", "bad": "#ff6b6b", "warn": "#ffd166", "unknown": "#6b7280",
                 "off": "#3a3f4b"}


class LightLabel(QLabel):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.state = "unknown"
        self.setObjectName(f"light_{name.lower().replace(' ', '_')}")
        self.set("unknown", "not checked yet")

    def set(self, state: str, detail: str) -> None:
        self.state = state
        colour = LIGHT_COLOURS[state]
        self.setText(f'<span style="color:{colour}">●</span> {self.name}')
        self.setToolTip(f"{self.name}: {detail}")
        self.setAccessibleName(f"{self.name}: {state}, {detail}")


class StatusLights(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.token = LightLabel("Token")
        self.crosstrade = LightLabel("CrossTrade")
        self.ninjatrader = LightLabel("NinjaTrader")
        self.websocket = LightLabel("WebSocket")
        self.budget = ElidedLabel("Budget –")
        self.budget.setObjectName("budget")
        self.budget.setToolTip("Requests left in CrossTrade's budget (20 at once, 3 per second)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.token, self.crosstrade, self.ninjatrader, self.websocket):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.budget)
        follow(self, panel.events.status, self.show_status)
        self.show_status(panel.connection.status_view())

    def show_status(self, view: StatusView) -> None:
        """Each light shows its state and, as a tip, its reason; then the budget."""
        status = view.status
        for light, value in ((self.token, status.token), (self.crosstrade, status.crosstrade),
                             (self.ninjatrader, status.ninjatrader),
                             (self.websocket, status.websocket)):
            light.set(value.state.value, value.reason)
        self.budget.setText(view.budget)

"""The panel's clocks on Qt's timers: the position poll, the one-second clock, the market's tick,
and a wake-up when the ticket changes by itself (the re-arm delay ends, a figure goes stale).
They run while the panel runs (its ``running`` event)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

POLL_MS = 5000  # position refresh: 0.2 requests/s, far inside CrossTrade's 3/s
CLOCK_MS = 1000
MARKET_TICK_MS = 250  # the market watch's debounce, subscription and poll decisions


class PanelTicks(QObject):
    def __init__(self, panel: Panel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.poll = self._timer(POLL_MS, panel.poll_tick)
        self.clock = self._timer(CLOCK_MS, panel.clock_tick)
        self.market = self._timer(MARKET_TICK_MS, panel.market_tick)
        self.wake = self._timer(0, panel.refresh_ticket)
        self.wake.setSingleShot(True)
        self.wake.setTimerType(Qt.TimerType.PreciseTimer)  # coarse ones fire early
        panel.events.running.connect(self._on_running)
        panel.events.wake_in.connect(lambda seconds: self.wake.start(int(seconds * 1000) + 1))

    def _timer(self, interval_ms: int, tick) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.timeout.connect(tick)
        return timer

    def _on_running(self, running: bool) -> None:
        for timer in (self.poll, self.clock, self.market):
            timer.start() if running else timer.stop()
        if not running:
            self.wake.stop()

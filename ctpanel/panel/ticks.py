"""The ticket's ticks, Qt-free: the stop and target a bracket takes after a fill (or on Protect
now), breakeven's +N ticks, why what was typed cannot be taken, and where each position's
protection stands on this backend. The panel, its order desk and its views share this one
object, so a reverse's bracket after its fill takes exactly the ticks the ticket shows."""

from __future__ import annotations

from ctpanel.core.desk.protect import Protection
from ctpanel.core.domain.protection import (
    NO_BRACKET,
    Bracket,
    bracket_from_text,
    plus_ticks_from_text,
)
from ctpanel.core.errors import InvalidOrder


class TicketTicks:
    """The ticks the ticket holds, and the protection of each position it has heard of."""

    def __init__(self, bracket: Bracket = NO_BRACKET) -> None:
        self.bracket = bracket
        self.problem = ""  # why the ticks typed cannot be taken (nothing that takes them goes)
        self.plus_ticks = 0  # breakeven's +N ticks
        self._protections: dict[tuple[str, str], Protection] = {}  # by account, instrument

    def typed(self, stop: str, target: str, plus: str = "") -> str:
        """The ticks as typed; the words of a refusal ("" when taken). A refused value keeps
        the last good ones, and the refusal stands until the trader corrects it."""
        try:
            bracket = bracket_from_text(stop, target)
            self.plus_ticks = plus_ticks_from_text(plus)
        except InvalidOrder as invalid:
            self.problem = str(invalid)
        else:
            self.bracket, self.problem = bracket, ""
        return self.problem

    def start(self, bracket: Bracket) -> None:
        """A newly picked account or group's default: what was typed does not follow."""
        self.bracket, self.problem = bracket, ""

    def protection(self, account: str, instrument: str) -> Protection | None:
        return self._protections.get((account, instrument))

    def protected(self, account: str, instrument: str, protection: Protection) -> None:
        self._protections[(account, instrument)] = protection

    def forget_protections(self) -> None:
        """A new backend: the last one's positions are not this one's."""
        self._protections.clear()

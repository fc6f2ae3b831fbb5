"""The ``Guard`` protocol, and what every guard looks at: the request and its :class:`Basis`.

A guard is a value on the desk (:class:`ctpanel.core.desk.desk.Desk`), applied to every
request from every door: the panel, the CLI and each member of a group. Its words are the
refusal the trader reads ("Not sent: ..."); the panel shows the same words under the button
before any press, because its plans ask the same guards (:func:`denial`).

Whether a guard may block an exit is declared once, on the intent: a request whose
:attr:`~ctpanel.core.domain.states.Intent.reduces` is true passes every guard
``against_new_risk``. An exit is never blocked by a rule about new risk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ctpanel.core.domain.states import REDUCING
from ctpanel.core.errors import InvalidOrder, Problem

if TYPE_CHECKING:
    from ctpanel.core.domain.groups import Member
    from ctpanel.core.domain.models import Position
    from ctpanel.core.domain.states import Intent


@dataclass(frozen=True)
class Basis:
    """What a request was built on: the position it was read from (None: not read), how old
    that read was when the request was built, whether its side and size mirror that
    position, and the group member it is for (None: a single account)."""

    position: Position | None = None
    age_s: float | None = None
    mirrored: bool = False
    member: Member | None = None


class Guard(Protocol):
    """One pre-trade rule. ``check`` returns why ``request`` may not go, or None."""

    name: str
    against_new_risk: bool  # True: it never applies to a request that only reduces risk
    members_only: bool  # True: it judges a group member's request (a member's own limits)

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None: ...


class Refused(InvalidOrder):
    """A guard stopped the request before it left: nothing was sent."""

    def __init__(self, guard: str, words: str) -> None:
        self.guard = guard
        super().__init__([Problem(guard, words)])


def applies(guard: Guard, intent: Intent, basis: Basis) -> bool:
    """Whether ``guard`` looks at a request of ``intent`` on ``basis`` at all (read from what
    each declares, without asking it: the click path asks only the guards that judge it)."""
    return not ((guard.against_new_risk and intent.reduces)
                or (guard.members_only and basis.member is None))


def denial(guards: Iterable[Guard], intent: Intent, request: Any,
           basis: Basis) -> Refused | None:
    """The first guard that refuses ``request``, as the error the desk raises; None: it may go."""
    reduces, member = intent in REDUCING, basis.member is not None  # Intent.reduces, inline
    for guard in guards:
        if (guard.against_new_risk and reduces) or (guard.members_only and not member):
            continue  # the rule of applies(), inline: this loop is on the click path
        words = guard.check(intent, request, basis)
        if words:
            return Refused(guard.name, words)
    return None

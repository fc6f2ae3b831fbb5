"""Typed errors, each with a message a trader understands.

Every message is built from our own words plus short, sanitised snippets of what the server
said. No message ever contains the API token: we never put request headers into an error, and
:func:`scrub` removes the token from server text in case a server echoes it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CtError(Exception):
    """Base of every error ctpanel raises on purpose. ``str(error)`` is the plain-words message."""

    #: Whether the order certainly did not reach CrossTrade (safe to click again).
    order_not_sent = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(CtError):
    """A setting is unusable (e.g. a plain-http URL to a remote host)."""


class InvalidOrder(CtError):
    """The form holds problems; one message per problem, keyed by field."""

    order_not_sent = True

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Problem:
    """One validation problem: the field it belongs to and what is wrong, in plain words."""

    field: str
    message: str


# --- Server replies --------------------------------------------------------------------------


class ApiError(CtError):
    """CrossTrade answered, and the answer is a failure."""

    order_not_sent = True

    def __init__(
        self, message: str, *, status: int | None = None, server_text: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.server_text = server_text


class NoPositionError(ApiError):
    """There is no open position to reverse (CrossTrade's 400 "No position found ...")."""


class RejectedError(ApiError):
    """CrossTrade or NinjaTrader refused the request (400 and similar)."""


class UnknownAccountError(RejectedError):
    """CrossTrade does not know the account (``invalid_account``, HTTP 400 or 404)."""


class AuthError(ApiError):
    """The token is missing, wrong, or lacks the subscription (401/403)."""


class NotFoundError(ApiError):
    """Unknown route or resource (404); ``did_you_mean`` carries CrossTrade's suggestions."""

    def __init__(self, message: str, *, did_you_mean: Sequence[str] = (), **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.did_you_mean = tuple(did_you_mean)


class NotConnectedError(ApiError):
    """NinjaTrader or the CrossTrade add-on is not connected (408)."""


class RateLimitedError(ApiError):
    """CrossTrade's request budget is used up (429)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    """CrossTrade failed on its side (5xx).

    A gateway error may come after NinjaTrader acted, so an order is not known to be unsent.
    """

    order_not_sent = False


class BadReplyError(ApiError):
    """The reply could not be understood (HTML, empty, not JSON, a field missing)."""


# --- Transport -------------------------------------------------------------------------------


class NetworkError(CtError):
    """The request never reached CrossTrade (refused, DNS, TLS, connect timeout)."""

    order_not_sent = True


class SessionElsewhereError(NetworkError):
    """CrossTrade closed our WebSocket because another session opened with the same token."""


class OutcomeUnknownError(CtError):
    """The order was sent but no usable answer came back; it may or may not have been placed."""

    order_not_sent = False


# --- Token storage ---------------------------------------------------------------------------


class TokenStoreError(CtError):
    """The OS keyring is missing or refused the operation."""


def scrub(text: str, secret: str | None) -> str:
    """Remove ``secret`` from ``text`` (a server may echo what we sent it)."""
    if secret and len(secret) >= 4:
        return text.replace(secret, "***")
    return text


def scrubbed(error: CtError, secret: str | None) -> CtError:
    """``error`` with ``secret`` removed from its message and server text."""
    error.message = scrub(error.message, secret)
    error.args = (error.message,)
    if isinstance(error, ApiError) and error.server_text:
        error.server_text = scrub(error.server_text, secret)
    return error

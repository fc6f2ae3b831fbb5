"""Reading CrossTrade's replies as untrusted input, shared by the REST and WebSocket clients.

CrossTrade documents two envelopes: payload fields at top level with ``"success": true`` and
``{"error": "..."}`` on failure, and ``{"success": false, "error": code, "detail": text}``.
A reply is a failure when its HTTP status is not 2xx, or ``success`` is false, or it has an
``error`` key. Payload fields are read from the top level, falling back to ``data``.
"""

from __future__ import annotations

import email.utils
import html
import re
import time
from collections.abc import Mapping
from typing import Any

from ctpanel.core.domain.models import finite_float
from ctpanel.core.errors import (
    ApiError,
    AuthError,
    BadReplyError,
    NoPositionError,
    NotConnectedError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    UnknownAccountError,
)

SNIPPET_LENGTH = 160
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NO_POSITION = re.compile(r"no\s+positions?\s+(found|open|exist)", re.IGNORECASE)


def snippet(text: str, limit: int = SNIPPET_LENGTH) -> str:
    """A short, single-line, printable excerpt of untrusted text (HTML reduced to its title)."""
    title = _TITLE.search(text)
    if title:
        text = title.group(1)
    elif "<" in text and ">" in text:
        text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field(payload: Any, key: str) -> Any:
    """``payload[key]``, or ``payload["data"][key]``, or None."""
    if not isinstance(payload, Mapping):
        return None
    if key in payload:
        return payload[key]
    data = payload.get("data")
    return data.get(key) if isinstance(data, Mapping) else None


def is_failure(status: int | None, payload: Any) -> bool:
    """Whether a reply says the request failed: its status, ``success: false`` or an ``error``."""
    if status is not None and not 200 <= status < 300:
        return True
    if isinstance(payload, Mapping):
        return payload.get("success") is False or payload.get("error") not in (None, "", False)
    return False


def warning_from(payload: Any) -> str | None:
    """A successful reply's ``warning`` (a text), if any."""
    warning = field(payload, "warning")
    return warning if isinstance(warning, str) else None


def server_text(payload: Any) -> str:
    """The most human part of an error body: ``detail``, else ``error``, else ``message``."""
    if isinstance(payload, Mapping):
        for key in ("detail", "error", "message"):
            value = payload.get(key)
            if isinstance(value, str) and value.strip():
                return snippet(value)
            if isinstance(value, Mapping):
                return server_text(value)
        data = payload.get("data")
        if isinstance(data, Mapping):
            return server_text(data)
    if isinstance(payload, str):
        return snippet(payload)
    return ""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), if usable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 3600))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), 3600.0))


def _did_you_mean(payload: Any) -> list[str]:
    hint = field(payload, "did_you_mean")
    if isinstance(hint, str):
        return [snippet(hint, 120)]
    if isinstance(hint, list):
        return [snippet(item, 120) for item in hint if isinstance(item, str)][:3]
    return []


# CrossTrade's error codes (reference §10.1, §10.5) and the status each one amounts to.
# "branch on `error`, not on the HTTP status alone": a WebSocket reply carries no status.
CODE_STATUS = {
    "addon_disconnected": 408,
    "rate limit exceeded": 429,
    "rate_limited": 429,  # seen by third parties, with "retryAfter" (reference 11.4)
}


def error_code(payload: Any) -> str:
    """The ``error`` field, lower-cased: CrossTrade's code (or its short message)."""
    code = field(payload, "error")
    return code.strip().lower() if isinstance(code, str) else ""


def _status_from_text(text: str) -> int:
    """Guess an HTTP-like status from the words of an error that has no known code."""
    lowered = text.lower()
    if _NO_POSITION.search(text):
        return 400
    if "rate limit" in lowered or "too many" in lowered:
        return 429
    if "not connected" in lowered or "disconnected" in lowered or "not running" in lowered:
        return 408
    if "unauthori" in lowered or "invalid token" in lowered or "forbidden" in lowered:
        return 401
    return 400


def error_for(
    status: int | None, payload: Any, *, retry_after: str | None = None
) -> ApiError:
    """The typed error for a failed reply, by CrossTrade's code first, then its HTTP status
    (REST only: ``status`` is None for WebSocket replies), then its words."""
    text = server_text(payload)
    code = error_code(payload)
    if code in ("invalid_account", "unknown api command", "order_not_found"):
        return _coded_error(code, text, status)
    if retry_after is None and finite_float(field(payload, "retryAfter")) is not None:
        retry_after = str(field(payload, "retryAfter"))
    effective = CODE_STATUS.get(code)
    if effective is None:
        known_status = status is not None and not 200 <= status < 300
        effective = status if known_status else _status_from_text(f"{code} {text}")
    return _error_for_status(effective, text, payload, retry_after, shown_status=status)


def _coded_error(code: str, text: str, status: int | None) -> ApiError:
    said = f" CrossTrade says: {text}" if text else ""
    if code == "invalid_account":
        return UnknownAccountError(
            "CrossTrade does not know this account (invalid_account): pick it again from the "
            f"account list (Refresh accounts). Nothing was traded.{said}",
            status=status, server_text=text or None)
    if code == "order_not_found":
        return NotFoundError(f"CrossTrade does not know that order (order_not_found).{said}",
                             status=status, server_text=text or None)
    return RejectedError(
        "The CrossTrade add-on in NinjaTrader does not know this request (Unknown API "
        f"command): update the add-on. Nothing was traded.{said}",
        status=status, server_text=text or None)


def _error_for_status(
    status: int, text: str, payload: Any, retry_after: str | None, *, shown_status: int | None
) -> ApiError:
    said = f" CrossTrade says: {text}" if text else ""
    common = {"status": shown_status, "server_text": text or None}
    if status == 400 and _NO_POSITION.search(text):
        return NoPositionError(f"There is no open position in that instrument.{said}", **common)
    if status == 401:
        return AuthError(
            "CrossTrade did not accept the API token (401). Check the token in Settings "
            "(or run `ctpanel token set`)." + said,
            **common,
        )
    if status == 403:
        return AuthError(
            "CrossTrade refused access with this token (403); the API needs an active Pro "
            "subscription." + said,
            **common,
        )
    if status == 404:
        hints = _did_you_mean(payload)
        hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
        return NotFoundError(
            f"CrossTrade does not know this request (404).{said}{hint}", did_you_mean=hints,
            **common,
        )
    if status == 408:
        return NotConnectedError(
            "NinjaTrader is not connected to CrossTrade (408): open NinjaTrader 8 and check that "
            "the CrossTrade add-on is connected, then try again. Nothing was traded." + said,
            **common,
        )
    if status == 429:
        seconds = parse_retry_after(retry_after)
        wait = f"wait {seconds:.0f} s" if seconds is not None else "wait a few seconds"
        return RateLimitedError(
            f"Too many requests: CrossTrade's rate limit was reached (429); {wait} and try "
            "again. Nothing was traded.",
            retry_after=seconds,
            **common,
        )
    if status >= 500:
        return ServerError(
            f"CrossTrade had a server error (HTTP {status}); it did not confirm the request."
            + said,
            **common,
        )
    return RejectedError(f"CrossTrade rejected the request (HTTP {status}).{said}", **common)


def bad_reply(status: int | None, raw: bytes | str, why: str) -> BadReplyError:
    """An error for a reply we could not read; shows the status and a short snippet."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    shown = snippet(text) if text.strip() else "(empty body)"
    where = f"HTTP {status}" if status is not None else "WebSocket"
    error = BadReplyError(
        f"CrossTrade sent a reply that could not be read ({where}, {why}): {shown}",
        status=status,
        server_text=shown,
    )
    # A 2xx we cannot read may still mean the order was placed.
    error.order_not_sent = status is not None and not 200 <= status < 300
    return error

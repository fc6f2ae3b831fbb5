"""Base URLs and the rule that only loopback may be reached without TLS."""

from __future__ import annotations

import ipaddress
from urllib.parse import quote, urlsplit

from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import ConfigError

DEFAULT_BASE_URL = "https://app.crosstrade.io"
DEFAULT_TIMEOUT = 15.0  # seconds: CrossTrade waits up to ~5 s for the flatten, plus a margin
DEFAULT_WS_URL = "wss://app.crosstrade.io/ws/stream"
API_PREFIX = "/v1/api"


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this machine (only loopback may be reached without TLS)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_url(url: str, *, secure: str, plain: str) -> str:
    """``url`` without a trailing slash, if its scheme is ``secure``, or ``plain`` on loopback."""
    parts = urlsplit(url.strip())
    if parts.scheme not in (secure, plain) or not parts.hostname:
        raise ConfigError(f"{url!r} is not a {secure}:// URL.")
    if parts.scheme == plain and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"Refusing unencrypted {plain}:// to {parts.hostname}: the token would travel in "
            f"clear text. Use {secure}:// (plain {plain}:// is only for a local simulator)."
        )
    if parts.username or parts.password:
        raise ConfigError("Put no user name or password in the URL; the token is sent apart.")
    return url.strip().rstrip("/")


def check_base_url(url: str) -> str:
    """The REST base URL, checked (https, or http on loopback)."""
    return checked_url(url, secure="https", plain="http")


def check_ws_url(url: str) -> str:
    """The WebSocket URL, checked (wss, or ws on loopback)."""
    return checked_url(url, secure="wss", plain="ws")


def ws_url_for(base_url: str) -> str:
    """The WebSocket URL that belongs with a REST base URL."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}/ws/stream"


def account_path(account: str, *rest: str) -> str:
    """``/v1/api/accounts/<account>/<rest...>``, each part URL-encoded (an order id too)."""
    return "/".join([f"{API_PREFIX}/accounts", *(quote(part, safe="") for part in
                                                   (account, *rest))])


def exit_path(order: ExitOrder) -> str:
    """The route of a Close, a Flatten or a Cancel (one order, or every working order)."""
    if order.kind is Intent.CLOSE:
        return account_path(order.account, "positions", "close")
    if order.kind is Intent.FLATTEN:
        return account_path(order.account, "positions", "flatten")
    if order.order_id:
        return account_path(order.account, "orders", order.order_id, "cancel")
    return account_path(order.account, "orders", "cancel")

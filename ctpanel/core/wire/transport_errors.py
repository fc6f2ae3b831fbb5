"""A transport failure (a timeout, a refused or reset connection, TLS, DNS) in plain words."""

from __future__ import annotations

import socket
import ssl

import httpx

from ctpanel.core.wire.replies import snippet


def describe_transport_error(error: Exception, limit: float, sent: bool) -> str:
    """What went wrong on the wire, for a message: ``connection refused``, ``no reply within
    5 s``; ``sent`` tells a timeout waiting for the answer from one waiting to connect."""
    if isinstance(error, TimeoutError | httpx.TimeoutException):
        if sent:
            return f"no reply within {limit:g} s"
        return f"no connection within {limit:g} s (connect timeout)"
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return ("the server's TLS certificate is not trusted: "
                    f"{cause.verify_message or 'verification failed'}")
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed: {cause.reason or cause}"
        if isinstance(cause, socket.gaierror):
            return "the server name could not be found (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
    return snippet(str(error) or type(error).__name__)


def _causes(error: BaseException):
    """``error`` and everything it was raised from, including members of exception groups."""
    pending, seen = [error], set()
    while pending:
        cause = pending.pop(0)
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        pending += [c for c in (cause.__cause__, cause.__context__) if c is not None]
        pending += list(getattr(cause, "exceptions", ()))

"""One TLS context for the whole app: verification on, certifi's CA bundle (as httpx uses).

Built once and shared by both REST lanes and the WebSocket, instead of each connection pool
loading the CA bundle again (time and memory at start-up).
"""

from __future__ import annotations

import functools
import ssl


@functools.cache
def default_tls_context() -> ssl.SSLContext:
    """The TLS context for CrossTrade: certifi's trusted roots, the same on every platform."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


@functools.cache
def no_tls_context() -> ssl.SSLContext:
    """For clients of a plain-http loopback server (the simulator), which never use TLS.

    httpx builds a TLS context for every client even when it will not use it, loading the CA
    bundle each time (~30 ms and ~1 MiB a client). This one is built in microseconds and trusts
    nothing: were it ever used, every certificate would fail verification (fail closed).
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)

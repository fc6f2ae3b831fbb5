"""One TLS context for the whole app: verification on, certifi's CA bundle (as httpx uses).

Built once and shared by both REST lanes and the WebSocket, instead of each connection pool
loading the CA bundle again (time and memory at start-up).
"""

from __future__ import annotations

import functools
import ssl


@functools.cache
def default_tls_context() -> ssl.SSLContext:
    import certifi

    return ssl.create_default_context(cafile=certifi.where())

"""The floor under the panel's memory: the bare window, plus the libraries a live panel loads.

Shows the very window of ``bare_window.py``, then imports what any live ctpanel needs once it
is up (asyncio and ssl, qasync, httpx with httpcore, websockets, keyring), builds the one TLS
context with the CA bundle, and reports its peak memory. None of ctpanel's own code runs,
except the line in ``ctpanel.core`` that keeps httpx from importing its command-line tool.
"""

import importlib
import os
import sys

os.environ.setdefault("QT_API", "pyside6")

import bare_window


def load_the_stack() -> None:
    importlib.import_module("ctpanel.core")  # first: it keeps httpx's CLI out, as in the app
    import ssl

    import anyio._backends._asyncio  # noqa: F401  (httpcore's network backend)
    import certifi
    import httpcore  # noqa: F401  (httpx imports it when a client is made)
    import httpx  # noqa: F401
    import keyring
    import qasync  # noqa: F401
    import websockets.asyncio.client  # noqa: F401

    keyring.get_keyring()
    ssl.create_default_context(cafile=certifi.where())


if __name__ == "__main__":
    sys.exit(bare_window.main(once_shown=load_the_stack))

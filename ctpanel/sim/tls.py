"""A throwaway certificate authority for the simulator's TLS mode (tests and benchmarks).

Needs ``trustme`` (in the test extra); the simulator imports this only when TLS is asked for.
"""

from __future__ import annotations

import ssl
from pathlib import Path


def throwaway_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for 127.0.0.1 and localhost, and the CA's PEM file."""
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, ca_file

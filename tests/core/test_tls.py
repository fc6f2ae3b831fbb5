"""The app's TLS contexts: verification is on in both, including the one for plain http."""

import ssl

import httpx
import pytest

from ctpanel.core.wire.tls import default_tls_context, no_tls_context
from ctpanel.sim import Simulator
from ctpanel.sim.tls import throwaway_tls
from tests.conftest import TOKEN


@pytest.mark.parametrize("make_context", [default_tls_context, no_tls_context])
def test_every_context_verifies_certificates_and_host_names(make_context):
    context = make_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


async def test_the_plain_http_context_would_refuse_any_certificate(tmp_path):
    # The simulator's certificate is valid for 127.0.0.1; the context trusts no CA at all.
    server_context, _ca_file = throwaway_tls(tmp_path)
    async with (Simulator(token=TOKEN, ssl_context=server_context) as sim,
                httpx.AsyncClient(verify=no_tls_context()) as client):
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"{sim.base_url}/v1/api/accounts")


def calls(cached_function) -> int:
    info = cached_function.cache_info()
    return info.hits + info.misses


async def test_a_plain_http_client_does_not_load_the_ca_bundle(sim):
    from ctpanel.core.wire.client import CrossTradeClient

    bundle_loads, plain_uses = calls(default_tls_context), calls(no_tls_context)
    async with CrossTradeClient(TOKEN, base_url=sim.base_url) as client:
        await client.list_accounts()
    assert calls(default_tls_context) == bundle_loads
    assert calls(no_tls_context) == plain_uses + 1

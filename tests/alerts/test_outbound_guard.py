"""The shared outbound guard: addresses of every kind, and the push transport's resolver connecting only to
checked addresses (a real loopback server stands in for a host whose name resolves inside)."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from backend.alerts.endpoints import PushEndpointPolicy
from backend.alerts.sender import make_client
from backend.alerts.transport import GuardedResolver
from outbound import OutboundPolicy, UrlRefused, address_refusal, check_url
from tests.havens.test_website_audit import serve

PROD = OutboundPolicy()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"), ("10.0.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
        ("100.64.0.1", "private"), ("0.0.0.0", "reserved"), ("240.0.0.1", "reserved"),
        ("64:ff9b::a9fe:a9fe", "link-local"), ("2002:a9fe:a9fe::1", "link-local"),
        ("8.8.8.8", None), ("2606:4700:4700::1111", None),
    ],
)  # fmt: skip
def test_address_classes(address: str, reason: str | None) -> None:
    assert address_refusal(ipaddress.ip_address(address), port=443, policy=PROD) == reason


def test_url_forms() -> None:
    for url in ("http://0x7f.1/", "http://017700000001/", "http://127.1/", "ftp://example.org/",
                "https://example.org:8443/", "https://example.org/a b", "javascript:alert(1)"):  # fmt: skip
        with pytest.raises(UrlRefused):
            check_url(url, policy=PROD)
    assert check_url("https://www.southwark.gov.uk/youth", policy=PROD).hostname == "www.southwark.gov.uk"


async def test_push_resolver_drops_internal_answers() -> None:
    strict = GuardedResolver(OutboundPolicy())
    with pytest.raises(OSError):
        await strict.resolve("localhost", 443)
    relaxed = GuardedResolver(OutboundPolicy(allow_loopback=True))
    assert {a["host"] for a in await relaxed.resolve("localhost", 443)} <= {"127.0.0.1", "::1"}


async def test_push_client_never_connects_to_an_internal_address() -> None:
    server, site = serve()
    try:
        url = f"http://localhost:{site.port}/ok"
        async with make_client(policy=PushEndpointPolicy()) as strict:
            with pytest.raises(httpx.HTTPError):
                await strict.post(url, content=b"x")
        assert site.hits == []
        async with make_client(policy=PushEndpointPolicy(allow_loopback=True)) as local:
            assert (await local.post(url, content=b"x")).status_code in (200, 404, 501)
    finally:
        server.shutdown()
        server.server_close()

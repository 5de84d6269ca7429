"""Client addresses: only ever coarsened (audit) or keyed-hashed (rate limits); never stored or logged raw.

Behind a reverse proxy run uvicorn with `--proxy-headers --forwarded-allow-ips=...` so `request.client` is the
real client; this module never trusts X-Forwarded-For itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from starlette.requests import HTTPConnection


def client_host(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


def coarsen_address(host: str) -> str:
    """IPv4 -> its /24, IPv6 -> its /48, anything else -> "unknown"."""
    try:
        ip = ipaddress.ip_address(host.strip().split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def address_key(host: str, *, secret: str, purpose: str) -> str:
    """A keyed hash of the coarsened address, so counters cannot be reversed to an address."""
    message = f"{purpose}|{coarsen_address(host)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def secret_key(conn: HTTPConnection) -> str:
    state = getattr(conn.app.state, "wayhome", None)
    settings = getattr(state, "settings", None)
    key = getattr(settings, "secret_key", "") or ""
    return str(key) or "wayhome-dev-secret"

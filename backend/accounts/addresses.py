"""Client addresses: only ever coarsened (audit) or keyed-hashed (rate limits); never stored or logged raw.

Behind a reverse proxy the TCP peer is the proxy. `forwarded_client` is the one place that reads
X-Forwarded-For: only when the peer is one of WAYHOME_TRUSTED_PROXIES, and then it takes the right-most hop
that is not itself a trusted proxy (everything left of that was written by the client and proves nothing).
Uvicorn's own proxy-header handling is switched off (see backend/gunicorn_worker.py and `wayhome serve`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable, Sequence

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) from WAYHOME_TRUSTED_PROXIES; a typo stops start-up instead of trusting less."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"WAYHOME_TRUSTED_PROXIES: {value!r} is not an IP address or CIDR range such as 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:443
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[Network]) -> bool:
    return any(ip.version == net.version and ip in net for net in networks)


def forwarded_client(peer: str, forwarded_for: Sequence[str], *, trusted: Sequence[Network]) -> str | None:
    """The client's address when `peer` is a trusted proxy, else None (use the peer).

    Hops are read right to left; the first one that is not a trusted proxy is the client. A hop that is not an
    address (garbage, "unknown") ends the walk there: nothing to its left can be believed.
    """
    peer_ip = _ip(peer)
    if not trusted or peer_ip is None or not _trusted(peer_ip, trusted):
        return None
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    candidate: str | None = None
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            break
        candidate = str(ip)
        if not _trusted(ip, trusted):
            return candidate
    return candidate  # every hop was a trusted proxy: the left-most of them is as close as we get


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

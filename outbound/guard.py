"""Checks an outbound URL (scheme, port, credentials, host) and every address its host resolves to.

An address is refused when it is loopback, private, link-local, multicast, reserved, unspecified, shared
(100.64/10), or an IPv6 form of one of those (IPv4-mapped, 6to4, NAT64 are unwrapped first). The caller then
connects to the checked address itself (see transport.py) so a second DNS answer cannot swap it (rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LEN = 2048
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlRefused(ValueError):
    """The server will not fetch this URL. `code` is a stable API code, `message` a sentence for a person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OutboundPolicy:
    """What a caller may fetch. Loopback is for tests and local development only.

    `loopback_ports` narrows the loopback exception to given ports (tests use it to show that a redirect to
    another local port is refused); empty means any port when `allow_loopback` is set.
    """

    schemes: tuple[str, ...] = ("https", "http")
    ports: tuple[int, ...] = (80, 443)
    allow_loopback: bool = False
    loopback_ports: tuple[int, ...] = ()
    allowed_hosts: tuple[str, ...] = ()  # empty: any public host; else exact names or "*.suffix"


def _unwrap(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_refusal(ip: IPAddress, *, port: int | None = None, policy: OutboundPolicy) -> str | None:
    """Why this address may not be contacted, or None when it may."""
    ip = _unwrap(ip)
    if ip.is_loopback:
        if policy.allow_loopback and (not policy.loopback_ports or port in policy.loopback_ports):
            return None
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:
        return "private"
    return None


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # Integer, octal and hex forms (2130706433, 0177.0.0.1, 0x7f.1) are addresses to a resolver too.
    parts = host.split(".")
    if parts and all(p and (p.isdigit() or p.lower().startswith("0x")) for p in parts):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return ipaddress.IPv4Address(0)
    return None


def _host_listed(host: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.lower().strip()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def _refused_address(reason: str) -> UrlRefused:
    return UrlRefused(
        "address_not_allowed",
        f"This address points to a {reason} network address, which WayHome never contacts. "
        "Give the public web address (starting https://).",
    )


def check_url(url: object, *, policy: OutboundPolicy) -> SplitResult:
    """The parsed URL when its form is acceptable (no DNS yet), else UrlRefused."""
    if not isinstance(url, str) or not url.strip():
        raise UrlRefused("invalid_url", "Give a web address starting https://.")
    if len(url) > MAX_URL_LEN:
        raise UrlRefused("invalid_url", f"The web address is longer than {MAX_URL_LEN} characters.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UrlRefused("invalid_url", "The web address contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused("invalid_url", "This is not a web address WayHome can read.") from exc
    if parts.scheme not in policy.schemes:
        allowed = " or ".join(f"{s}://" for s in policy.schemes)
        raise UrlRefused("scheme_not_allowed", f"The web address must start with {allowed}.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise UrlRefused("invalid_url", "The web address has no site name.")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("invalid_url", "Web addresses with a user name or password in them are refused.")
    ip = _ip_literal(host)
    effective_port = port or (443 if parts.scheme == "https" else 80)
    if ip is not None:
        reason = address_refusal(ip, port=effective_port, policy=policy)
        if reason:
            raise _refused_address(reason)
    loopback_exception = ip is not None and ip.is_loopback
    if port is not None and port not in policy.ports and not loopback_exception:
        raise UrlRefused("port_not_allowed", "The web address must use the standard port (no :number).")
    if policy.allowed_hosts and not loopback_exception and not _host_listed(host, policy.allowed_hosts):
        raise UrlRefused("host_not_allowed", "This site is not on the list WayHome may contact.")
    return parts


async def resolve_allowed(host: str, port: int, *, policy: OutboundPolicy) -> list[IPAddress]:
    """Every address `host` resolves to, all of them allowed; UrlRefused when any is not or none exist."""
    literal = _ip_literal(host)
    if literal is not None:
        reason = address_refusal(literal, port=port, policy=policy)
        if reason:
            raise _refused_address(reason)
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlRefused("unresolvable", "This site name could not be found.") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        reason = address_refusal(ip, port=port, policy=policy)
        if reason:
            # One bad answer refuses the host: a name that also points inside is not a public site.
            raise _refused_address(reason)
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise UrlRefused("unresolvable", "This site name could not be found.")
    return addresses

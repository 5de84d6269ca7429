"""Client addresses: X-Forwarded-For counts only behind WAYHOME_TRUSTED_PROXIES, and then its right-most
untrusted hop; a forged header never moves a client into a fresh rate-limit bucket."""

from __future__ import annotations

import ipaddress
import uuid
from pathlib import Path

import httpx
import pytest

from backend.accounts.addresses import forwarded_client, parse_networks
from backend.app import create_app
from backend.settings import ROOT, Settings
from tests.support.server import live_server

PROXIES = parse_networks(["10.0.0.0/8", "127.0.0.1", "fd00::/8"])


def test_right_most_untrusted_hop_is_the_client() -> None:
    # nginx (127.0.0.1) in front of a platform router (10.x): the client wrote "1.2.3.4"
    hops = ["1.2.3.4, 198.51.100.7, 10.1.2.3"]
    assert forwarded_client("127.0.0.1", hops, trusted=PROXIES) == "198.51.100.7"
    # several headers are one list, read right to left; ports and IPv6 brackets are dropped
    assert forwarded_client("10.0.0.1", ["1.2.3.4", "[2001:db8::5]:4711"], trusted=PROXIES) == "2001:db8::5"
    assert forwarded_client("10.0.0.1", ["203.0.113.9:5000"], trusted=PROXIES) == "203.0.113.9"


def test_forwarded_for_is_ignored_from_untrusted_peers_and_without_a_setting() -> None:
    assert forwarded_client("198.51.100.7", ["1.2.3.4"], trusted=PROXIES) is None
    assert forwarded_client("127.0.0.1", ["1.2.3.4"], trusted=()) is None
    assert forwarded_client("127.0.0.1", [], trusted=PROXIES) is None  # the peer itself, then


def test_garbage_hops_end_the_walk() -> None:
    # "unknown" cannot be checked, so nothing left of it is believed: the trusted hop to its right is used
    assert forwarded_client("127.0.0.1", ["1.2.3.4, unknown, 10.9.9.9"], trusted=PROXIES) == "10.9.9.9"
    assert forwarded_client("127.0.0.1", ["not-an-address"], trusted=PROXIES) is None


def test_a_typo_in_the_setting_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="WAYHOME_TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/33"])
    settings = Settings.from_env({"WAYHOME_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}, var_dir=tmp_path)
    assert [ipaddress.ip_network(n) for n in settings.trusted_proxies] == [
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1"),
    ]
    assert Settings.from_env({}, var_dir=tmp_path).trusted_proxies == ()
    with pytest.raises(ValueError, match="WAYHOME_TRUSTED_PROXIES"):
        create_app(settings.with_changes(trusted_proxies=("nginx",)))


def test_procfile_trusts_no_forwarded_header_by_itself() -> None:
    procfile = (ROOT / "Procfile").read_text()
    assert "forwarded-allow-ips" not in procfile
    assert "backend.gunicorn_worker.WayHomeWorker" in procfile
    from backend.gunicorn_worker import WayHomeWorker

    assert WayHomeWorker.CONFIG_KWARGS["proxy_headers"] is False


def _limited(settings: Settings, **changes: object) -> Settings:
    return settings.with_changes(
        rate_limits_enabled=True,
        secret_key=f"xff-{uuid.uuid4().hex}",
        rate_limits={"/api/v1/geocode": (3, 3600)},
        **changes,
    )


def _geocode(base: str, forwarded_for: str) -> int:
    response = httpx.get(
        f"{base}/api/v1/geocode", params={"q": "SE1"}, headers={"X-Forwarded-For": forwarded_for}, timeout=30
    )
    return response.status_code


def test_forged_header_does_not_leave_the_bucket_without_trusted_proxies(settings: Settings) -> None:
    """A real uvicorn server as the Procfile runs it: the peer (127.0.0.1) is the client, whatever it claims."""
    with live_server(_limited(settings)) as base:
        statuses = [_geocode(base, f"203.0.113.{n}") for n in range(1, 4)]
        assert 429 not in statuses
        assert _geocode(base, "198.51.100.99") == 429
        assert _geocode(base, "") == 429


def test_behind_a_trusted_proxy_only_the_hop_it_appended_counts(settings: Settings) -> None:
    """nginx on the same host appends the address it saw; what the client wrote to the left is ignored."""
    with live_server(_limited(settings, trusted_proxies=("127.0.0.1/32",))) as base:
        statuses = [_geocode(base, f"203.0.113.{n}, 198.51.100.7") for n in range(1, 4)]
        assert 429 not in statuses
        assert _geocode(base, "192.0.2.200, 198.51.100.7") == 429  # forged left part: same bucket
        assert _geocode(base, "198.51.100.7") == 429
        assert _geocode(base, "192.0.2.44") != 429  # another real client has its own budget

"""The SSRF guard: only HTTPS push-service hosts on the allowlist; loopback only when tests allow it."""

from __future__ import annotations

import pytest

from backend.alerts.endpoints import EndpointRefused, PushEndpointPolicy, check_endpoint

PROD = PushEndpointPolicy()
TEST = PushEndpointPolicy(allow_loopback=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGq",
        "https://api.push.apple.com/3/device/x",
        "https://FCM.googleapis.com./fcm/send/x",
    ],
)
def test_real_push_services_are_allowed(url: str) -> None:
    assert check_endpoint(url, policy=PROD) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00::1]/x",
        "https://10.0.0.5/x",
        "https://2852039166/x",
        "https://0xA9.0xFE.0xA9.0xFE/x",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilfcm.googleapis.com/x",
        "https://notify.windows.com/x",
        "https://example.org/push",
        "ftp://fcm.googleapis.com/x",
        "https://fcm.googleapis.com/x y",
        "",
        "https://" + "a" * 1100,
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    with pytest.raises(EndpointRefused):
        check_endpoint(url, policy=PROD)


def test_loopback_only_when_allowed_and_never_metadata() -> None:
    assert check_endpoint("http://127.0.0.1:9999/push/a", policy=TEST)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://127.0.0.1:9999/push/a", policy=PROD)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://169.254.169.254/latest/meta-data/", policy=TEST)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://192.168.1.1/x", policy=TEST)

"""Messages claim only what the app does: every sentence about the app matches a listed claim, and each
listed claim is checked against the code that makes it true."""

from __future__ import annotations

import re
from collections.abc import Callable

from content.claims import APP_SENTENCE_RE, FEATURE_CLAIMS, RETIRED_WORDING, claim
from content.messages import load_messages


def _sentences(markdown: str) -> list[str]:
    text = markdown.replace("**", "")
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _safer_route_avoids_reported_crime() -> bool:
    from routing.risk import DEFAULT_LSOA_WEIGHTS, DEFAULT_POINT_WEIGHTS

    return DEFAULT_POINT_WEIGHTS["possession-of-weapons"] > 0 and DEFAULT_LSOA_WEIGHTS["ROBBERY"] > 0


def _safer_route_avoids_unlit_after_dark() -> bool:
    from routing.risk import RiskConfig

    return RiskConfig().dark_unlit_add > 0


def _places_open_now() -> bool:
    from datetime import UTC, datetime

    from havens.models import Haven
    from havens.queries import haven_public

    def place(hours: str | None) -> Haven:
        return Haven(id=1, area="x", name="n", kind="public_place", lat=51.5, lon=-0.1, opening_hours=hours)

    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # a Wednesday, 03:00
    return (
        haven_public(place("24/7"), at=at)["open_now"] is True
        and haven_public(place("Mo-Fr 09:00-17:00"), at=at)["open_now"] is False
        and haven_public(place(None), at=at)["open_now"] is None  # hours not given: not claimed open
    )


def _finish_time_alerts() -> bool:
    from backend.alerts.models import NOTICE_KINDS

    return "finish_time_change" in NOTICE_KINDS


def _notices_to_families() -> bool:
    import inspect

    from backend.alerts import notices

    return "Delivery(" in inspect.getsource(notices.publish)  # publishing queues one push per subscription


def _hotspots_steer_routes() -> bool:
    from routing.risk import hotspot_edges

    return callable(hotspot_edges)


def _stale_after_six_months() -> bool:
    from havens.admin import STALE_AFTER

    return 180 <= STALE_AFTER.days <= 186


CHECKS: dict[str, Callable[[], bool]] = {
    "safer-route-avoids-reported-crime": _safer_route_avoids_reported_crime,
    "safer-route-avoids-unlit-after-dark": _safer_route_avoids_unlit_after_dark,
    "places-open-now": _places_open_now,
    "finish-time-alerts": _finish_time_alerts,
    "notices-to-families": _notices_to_families,
    "hotspots-steer-routes": _hotspots_steer_routes,
    "stale-after-six-months": _stale_after_six_months,
}


def test_content_every_listed_claim_has_a_passing_check() -> None:
    assert {c.key for c in FEATURE_CLAIMS} == set(CHECKS)
    for key, check in CHECKS.items():
        assert check(), f"claim {key} is not true of the code"


def test_content_every_sentence_about_the_app_is_a_listed_claim() -> None:
    unlisted = []
    for m in load_messages():
        for sentence in _sentences(m.body_markdown):
            if APP_SENTENCE_RE.search(sentence) and not any(
                c.wording.search(sentence) for c in FEATURE_CLAIMS
            ):
                unlisted.append(f"{m.path.parent.name}/{m.path.name}: {sentence}")
    assert unlisted == []


def test_content_messages_cite_the_claims_they_make() -> None:
    for m in load_messages():
        made = {c.key for c in FEATURE_CLAIMS for s in _sentences(m.body_markdown) if c.wording.search(s)}
        cited = {s.removeprefix("claims:") for s in m.sources if s.startswith("claims:")}
        assert made == cited, m.path
        assert all(claim(key) is not None for key in cited)


def test_content_retired_wording_is_gone_and_the_detector_would_catch_it() -> None:
    for pattern, why in RETIRED_WORDING:
        found = [str(m.path) for m in load_messages() if pattern.search(m.body_markdown)]
        assert found == [], why
    old = "It favours busier streets. The app shows which are open now."
    assert all(p.search(old) for p, _ in RETIRED_WORDING[:1]) and RETIRED_WORDING[1][0].search(old)
    assert APP_SENTENCE_RE.search("The app shows which are open now.")
    assert not any(
        c.wording.search("The app shows which CitySafe Havens are open now.") for c in FEATURE_CLAIMS
    )

"""Become a safe place: a venue applies with no account, an officer visits and publishes, the Haven is public.

Over the real app (SQLite or PostgreSQL): nothing about an applicant is public before publishing, bad answers get
plain sentences per field and store nothing, the public form is rate limited, the poster carries a QR code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import segno

from backend.accounts.models import AuditEvent
from backend.settings import Settings
from havens.applications.models import SafePlaceApplication, VenueReport
from havens.applications.service import AGREEMENTS
from havens.hours import LONDON
from havens.models import Haven
from tests.backend.test_ratelimit import running
from tests.support.staff import login_as, logout_locally

AREA = "north-london-demo"
POSTCODE = "N13 4NX"  # in the demo area's own postcode list
TODAY = dt.datetime.now(LONDON).date()


def application(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "venue_name": "Corner Books",
        "address": "12 Green Lanes",
        "postcode": POSTCODE,
        "contact_name": "Sam Patel",
        "contact_phone": "020 8000 0000",
        "hours": [
            {"day": d, "opens": "00:00", "closes": "23:59"}
            for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
        ],
        "agreements": list(AGREEMENTS),
    }
    body.update(changes)
    return body


async def test_application_visit_publish_makes_a_verified_haven(client: httpx.AsyncClient) -> None:
    form = (await client.get("/api/v1/safe-place-applications/form")).json()
    assert {a["key"] for a in form["agreements"]} == set(AGREEMENTS)
    r = await client.post("/api/v1/safe-place-applications", json=application())
    assert r.status_code == 201 and "visit" in r.json()["message"]
    assert "set-cookie" not in r.headers
    stored = await SafePlaceApplication.get(venue_name="Corner Books")
    assert stored.area == AREA and stored.opening_hours.startswith("Mo 00:00-23:59; Tu")
    public = (
        await client.get("/api/v1/havens", params={"lat": stored.lat, "lon": stored.lon, "limit": 50})
    ).json()
    assert "Corner Books" not in {h["name"] for h in public["havens"]}, "nothing is public before publishing"

    await login_as(client, role="officer", areas=("southwark",), schools=())
    assert (await client.get("/api/v1/admin/safe-place-applications")).json()["applications"] == []
    refused = await client.post(f"/api/v1/admin/safe-place-applications/{stored.id}/publish")
    assert refused.status_code == 404

    officer = await login_as(client, role="officer", areas=(AREA,), schools=())
    listed = (await client.get("/api/v1/admin/safe-place-applications")).json()["applications"]
    assert [a["venue_name"] for a in listed] == ["Corner Books"]
    early = await client.post(f"/api/v1/admin/safe-place-applications/{stored.id}/publish")
    assert early.status_code == 409 and "visit" in early.json()["error"]["message"]
    bad_visit = await client.post(
        f"/api/v1/admin/safe-place-applications/{stored.id}/visit",
        json={"visit_date": (TODAY + dt.timedelta(days=3)).isoformat(), "agreement_signed": False},
    )
    assert bad_visit.status_code == 422
    fields = {e["field"]: e["message"] for e in bad_visit.json()["error"]["details"]["errors"]}
    assert set(fields) == {"visit_date", "agreement_signed"} and fields["visit_date"].startswith(
        "Pick the day"
    )
    visit_day = TODAY - dt.timedelta(days=2)
    visited = await client.post(
        f"/api/v1/admin/safe-place-applications/{stored.id}/visit",
        json={"visit_date": visit_day.isoformat(), "agreement_signed": True, "notes": "Manager keen"},
    )
    assert visited.status_code == 200 and visited.json()["status"] == "visited"
    published = await client.post(f"/api/v1/admin/safe-place-applications/{stored.id}/publish")
    assert published.status_code == 201
    haven = await Haven.get(id=published.json()["haven_id"])
    assert haven.kind == "citysafe_haven" and haven.status == "active" and haven.verified_by == officer.id
    assert haven.verified_at is not None and haven.verified_at.astimezone(LONDON).date() == visit_day
    actions = set(
        await AuditEvent.filter(object_id__in=[str(stored.id), str(haven.id)]).values_list(
            "action", flat=True
        )
    )
    assert {"safe_place.visit", "safe_place.publish"} <= actions

    logout_locally(client)
    near = (
        await client.get("/api/v1/havens", params={"lat": stored.lat, "lon": stored.lon, "limit": 5})
    ).json()
    first = near["havens"][0]
    assert first["name"] == "Corner Books" and first["kind"] == "citysafe_haven" and first["open_now"] is True
    assert first["verified_at"].startswith(visit_day.isoformat())
    assert "Sam Patel" not in str(near), "the applicant's name is never public"

    await login_as(client, role="officer", areas=(AREA,), schools=())
    poster = await client.get(f"/api/v1/admin/havens/{haven.id}/poster.svg")
    assert poster.status_code == 200 and poster.headers["content-type"].startswith("image/svg+xml")
    assert "Corner Books" in poster.text and "In danger? Call 999." in poster.text
    expected = segno.make("https://testserver/#/haven", error="m").symbol_size(border=4)[0]
    assert f'width="{expected}"' in poster.text, "the QR code for the app's address is drawn in the poster"


async def test_bad_answers_get_sentences_beside_fields_and_store_nothing(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/safe-place-applications",
        json=application(
            venue_name="",
            postcode="ZZ1 1ZZ",
            contact_phone="",
            hours=[{"day": "Mo", "opens": "9am", "closes": "17:00"}],
            agreements=["welcome"],
        ),
    )
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["error"]["details"]["errors"]}
    assert set(errors) == {"venue_name", "postcode", "contact_phone", "hours.Mo.opens", "agreements"}
    for message in errors.values():
        assert message.endswith(".") and message[0].isupper() and "_" not in message
    assert "5 answers need fixing" in r.json()["error"]["message"]
    hostile = await client.post("/api/v1/safe-place-applications", json=application(venue_name="Bad\x00name"))
    assert hostile.status_code == 422
    trap = await client.post("/api/v1/safe-place-applications", json=application(company="Spam Ltd"))
    assert trap.status_code == 201
    assert await SafePlaceApplication.all().count() == 0


async def test_due_for_recheck_and_a_venue_reports_new_hours(client: httpx.AsyncClient) -> None:
    old = await Haven.create(
        area=AREA, name="Old Haven", kind="citysafe_haven", status="active", lat=51.6141, lon=-0.1203,
        opening_hours="Mo-Fr 09:00-17:00", verified_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
    )  # fmt: skip
    fresh = await Haven.create(
        area=AREA, name="Fresh Haven", kind="citysafe_haven", status="active", lat=51.6142, lon=-0.1204,
        verified_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20),
    )  # fmt: skip
    bad = await client.post("/api/v1/safe-place-reports", json={"haven_id": 999999, "kind": "closed"})
    assert bad.status_code == 422 and await VenueReport.all().count() == 0
    r = await client.post(
        "/api/v1/safe-place-reports",
        json={"haven_id": old.id, "kind": "hours_changed", "contact": "020 8000 0001",
              "hours": [{"day": "Sa", "opens": "10:00", "closes": "16:00"}]},
    )  # fmt: skip
    assert r.status_code == 201
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = (await client.get("/api/v1/admin/safe-place-reverify")).json()
    assert [h["name"] for h in body["due"]] == ["Old Haven"] and fresh.id not in {
        h["id"] for h in body["due"]
    }
    assert (
        body["reports"][0]["haven_name"] == "Old Haven"
        and body["reports"][0]["new_hours"] == "Sa 10:00-16:00"
    )


async def test_public_form_is_rate_limited(settings: Settings) -> None:
    limited = settings.with_changes(rate_limits_enabled=True, secret_key=f"rl-{uuid.uuid4().hex}")
    async with running(limited, address="198.51.100.7") as http:
        statuses = [
            (
                await http.post("/api/v1/safe-place-applications", json=application(venue_name=f"V{i}"))
            ).status_code
            for i in range(6)
        ]
    assert statuses[:5] == [201] * 5 and statuses[5] == 429


async def test_a_visit_day_is_read_like_every_other_date(client: httpx.AsyncClient) -> None:
    """`date.fromisoformat` also reads "20261201" or "2026-W49-2"; the one date reader does not."""
    assert (await client.post("/api/v1/safe-place-applications", json=application())).status_code == 201
    stored = await SafePlaceApplication.get(venue_name="Corner Books")
    await login_as(client, role="officer", areas=(AREA,), schools=())
    url = f"/api/v1/admin/safe-place-applications/{stored.id}/visit"
    for loose in (TODAY.strftime("%Y%m%d"), TODAY.strftime("%G-W%V-%u"), None, 20261201):
        r = await client.post(url, json={"visit_date": loose, "agreement_signed": True})
        assert r.status_code == 422, (loose, r.text)
        error = r.json()["error"]
        assert error["code"] == "invalid_application" and error["details"]["field"] == "visit_date"
        assert "calendar" in error["message"]
    assert (await SafePlaceApplication.get(id=stored.id)).status == "new"
    done = await client.post(url, json={"visit_date": TODAY.isoformat(), "agreement_signed": True})
    assert done.status_code == 200 and done.json()["status"] == "visited"

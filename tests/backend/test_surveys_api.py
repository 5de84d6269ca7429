"""Anonymous surveys as a young person's phone uses them: open periods, answers counted once per device per period,
nothing identifying stored, and the failure paths in words."""

from __future__ import annotations

import datetime as dt
import secrets

import httpx

from backend.api.surveys import london_today
from backend.surveys.models import SurveyDevice, SurveyFreeText, SurveyResponse, SurveyWindow
from backend.surveys.service import grid_cell
from tests.support.staff import login_as

AREA = "north-london-demo"
SCHOOL = "101270"  # Coppetts Wood Primary School, in the demo pack
URL = "/api/v1/surveys/travel-home/responses"


def device() -> str:
    return secrets.token_urlsafe(32)


def body(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "answers": {"feel_safe": 4, "how_travel": ["walk", "bus"], "travel_with": "friends"},
        "device": device(),
        "area": AREA,
        "tier": "10-13",
        "school": SCHOOL,
    }
    return {**base, **changes}


async def open_travel_survey(days_ago: int = 0, days_left: int = 30) -> SurveyWindow:
    today = london_today()
    return await SurveyWindow.create(
        survey="travel-home",
        opens_on=today - dt.timedelta(days=days_ago),
        closes_on=today + dt.timedelta(days=days_left),
    )


async def test_a_closed_survey_says_so_and_keeps_nothing(client: httpx.AsyncClient) -> None:
    listed = await client.get("/api/v1/surveys", params={"area": AREA, "tier": "10-13"})
    assert listed.status_code == 200 and listed.json()["surveys"] == []
    shown = (await client.get("/api/v1/surveys/travel-home")).json()
    assert shown["window"] is None and [q["kind"] for q in shown["questions"]].count("pin") == 1
    refused = await client.post(URL, json=body())
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "This survey is not open at the moment. Thank you for wanting to help."
    )
    assert await SurveyResponse.all().count() == 0 and await SurveyDevice.all().count() == 0


async def test_answers_count_once_per_device_and_keep_no_identifiers(client: httpx.AsyncClient) -> None:
    await open_travel_survey()
    listed = (await client.get("/api/v1/surveys", params={"area": AREA, "tier": "10-13"})).json()["surveys"]
    assert {s["slug"] for s in listed} == {"travel-home"}
    phone = body()
    first = await client.post(URL, json=phone)
    assert first.status_code == 201 and first.json()["counted"] is True
    again = await client.post(URL, json={**phone, "answers": {"feel_safe": 1}})
    assert again.status_code == 200
    assert again.json() == {"counted": False, "message": "You have already answered this survey. Thank you."}
    other = await client.post(URL, json=body(tier=None, school=None))
    assert other.status_code == 201
    stored = await SurveyResponse.all().order_by("id")
    assert len(stored) == 2
    assert stored[0].answers == {"feel_safe": 4, "how_travel": ["bus", "walk"], "travel_with": "friends"}
    assert stored[0].month == london_today().strftime("%Y-%m")  # the month, never the day or time
    assert set(SurveyResponse._meta.fields_map) == {
        "id", "survey", "survey_version", "window_id", "month", "tier", "school_urn", "area", "answers"
    }  # fmt: skip
    hashes = [d.token_hash for d in await SurveyDevice.all()]
    assert len(hashes) == 2 and phone["device"] not in hashes and all(len(h) == 64 for h in hashes)
    assert set(SurveyDevice._meta.fields_map) == {"token_hash", "window_id"}


async def test_a_new_survey_period_lets_the_same_device_answer_again(client: httpx.AsyncClient) -> None:
    earlier = await SurveyWindow.create(
        survey="travel-home", opens_on=london_today() - dt.timedelta(days=60),
        closes_on=london_today() - dt.timedelta(days=31),
    )  # fmt: skip
    now = await open_travel_survey()
    phone = body()
    assert (await client.post(URL, json=phone)).status_code == 201
    assert (await client.post(URL, json=phone)).status_code == 200
    assert [r.window_id for r in await SurveyResponse.all()] == [now.id]
    assert earlier.id != now.id


async def test_a_map_pin_is_kept_only_as_its_100_metre_square(client: httpx.AsyncClient) -> None:
    await open_travel_survey()
    pin = {"lat": 51.6023, "lon": -0.1411}
    answers = {"feel_safe": 2, "where_unsafe": pin}
    assert (await client.post(URL, json=body(answers=answers))).status_code == 201
    kept = (await SurveyResponse.get()).answers["where_unsafe"]
    assert kept == grid_cell(51.6023, -0.1411)
    easting, northing = (int(v) for v in kept.split(":"))
    assert easting % 100 == 0 and northing % 100 == 0 and "51.6023" not in str(kept)
    outside = await client.post(
        URL, json=body(answers={"feel_safe": 2, "where_unsafe": {"lat": 51.47, "lon": -0.07}})
    )
    assert outside.status_code == 422
    assert outside.json()["error"]["message"].startswith("That place is outside the area this survey covers.")
    assert await SurveyResponse.all().count() == 1


async def test_bad_answers_are_refused_in_words_and_store_nothing(client: httpx.AsyncClient) -> None:
    await open_travel_survey()
    cases = [
        (body(answers={"feel_safe": 9}), "Please check your answer to: How safe do you feel on your way home from school?"),
        (body(answers={"feel_safe": True}), "Please check your answer to: How safe do you feel on your way home from school?"),
        (body(answers={"travel_with": "friends"}), "Please answer: How safe do you feel on your way home from school?"),
        (body(answers={"feel_safe": 3, "name": "Sam"}), "Some answers are for questions this survey does not ask."),
        (body(answers={"feel_safe": 3, "how_travel": ["magic"]}), "Please check your answer to: How do you usually get home from school?"),
        (body(answers={"feel_safe": 3, "where_unsafe": {"lat": "51.6", "lon": -0.14}}), "Please check your answer to: Where on your way home do you feel unsafe?"),
        (body(answers={"feel_safe": 3, "comment": "my name is Sam"}), "Some answers are for questions this survey does not ask."),
        (body(answers=[]), "Answer at least one question."),
        (body(email="a@b.c"), "Send only the answers and what the app adds to them."),
        (body(device="short"), "Please reload the app and try again."),
        (body(tier="25-99"), "Choose your age from the list."),
        (body(school="999999"), "Choose your school from the list."),
        (body(area="atlantis"), "This survey is not running in your area."),
    ]  # fmt: skip
    for sent, message in cases:
        response = await client.post(URL, json=sent)
        assert response.status_code == 422, sent
        assert response.json()["error"]["message"] == message
    assert (await client.post("/api/v1/surveys/nope/responses", json=body())).status_code == 404
    assert await SurveyResponse.all().count() == 0 and await SurveyDevice.all().count() == 0


async def test_a_survey_for_secondary_ages_refuses_an_adult_tier(client: httpx.AsyncClient) -> None:
    today = london_today()
    await SurveyWindow.create(survey="knife-carrying", opens_on=today, closes_on=today + dt.timedelta(days=5))
    listed = (await client.get("/api/v1/surveys", params={"area": AREA, "tier": "18-24"})).json()["surveys"]
    assert listed == []
    refused = await client.post(
        "/api/v1/surveys/knife-carrying/responses",
        json=body(tier="18-24", answers={"feel_safe_school": 3}),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "This survey is for people aged 10 to 17."


async def test_answers_must_be_sent_as_json(client: httpx.AsyncClient) -> None:
    """A cross-site HTML form can post text/plain or form data without a CORS check; neither is accepted."""
    await open_travel_survey()
    import json

    raw = json.dumps(body()).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
        response = await client.post(URL, content=raw, headers={"content-type": content_type})
        assert response.status_code == 415, content_type
        assert response.json()["error"]["message"] == "Send the answers as JSON (application/json)."
    ok = await client.post(URL, content=raw, headers={"content-type": "application/json; charset=utf-8"})
    assert ok.status_code == 201
    assert await SurveyResponse.all().count() == 1


async def test_answers_fall_under_a_per_address_limit(settings) -> None:  # type: ignore[no-untyped-def]
    from tests.backend.test_ratelimit import running

    limited = settings.with_changes(rate_limits_enabled=True, rate_limits={"/api/v1/surveys": (3, 3600)})
    async with running(limited, address="198.51.100.30") as http:
        await open_travel_survey()
        statuses = [(await http.post(URL, json=body())).status_code for _ in range(3)]
        assert statuses == [201, 201, 201]
        blocked = await http.post(URL, json=body())
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        assert (await http.get("/api/v1/surveys/travel-home")).status_code == 200  # reading is not limited
    async with running(limited, address="203.0.113.30") as elsewhere:
        assert (await elsewhere.post(URL, json=body())).status_code == 201
        assert await SurveyResponse.all().count() == 4


async def test_editors_open_and_close_a_survey_period(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,))
    today = london_today()
    dates = {"opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=20)).isoformat()}
    assert (await client.post("/api/v1/admin/surveys/travel-home/windows", json=dates)).status_code == 403
    await login_as(client, role="editor", areas=(AREA,))
    opened = await client.post("/api/v1/admin/surveys/travel-home/windows", json=dates)
    assert opened.status_code == 201 and opened.json()["state"] == "open"
    clash = await client.post("/api/v1/admin/surveys/travel-home/windows", json=dates)
    assert clash.status_code == 422
    assert clash.json()["error"]["message"].startswith("This survey is already open from ")
    backwards = await client.post(
        "/api/v1/admin/surveys/local-attitudes/windows",
        json={"opens_on": dates["closes_on"], "closes_on": dates["opens_on"]},
    )
    assert backwards.json()["error"] == {
        "code": "invalid_window",
        "message": "The closing date must be on or after the opening date.",
        "details": {"field": "closes_on"},
    }
    for bad in ("2026-02-30", "２０２６-01-01", "9999-12-31", "2026-1-1"):
        response = await client.post(
            "/api/v1/admin/surveys/local-attitudes/windows",
            json={"opens_on": bad, "closes_on": dates["closes_on"]},
        )
        assert response.status_code == 422, bad
    listed = (await client.get("/api/v1/admin/surveys")).json()
    travel = next(s for s in listed["surveys"] if s["slug"] == "travel-home")
    assert [w["state"] for w in travel["windows"]] == ["open"] and travel["windows"][0]["answers"] is None
    assert (await client.post(URL, json=body())).status_code == 201
    closed = await client.post(f"/api/v1/admin/surveys/windows/{opened.json()['id']}/close")
    assert closed.status_code == 200
    assert (await client.post(URL, json=body())).status_code == 409  # closed from today: nothing more counted
    window = await SurveyWindow.get()
    assert window.closes_on == today - dt.timedelta(days=1) and await SurveyResponse.all().count() == 1
    from backend.accounts.models import AuditEvent

    assert [e.action for e in await AuditEvent.filter(object_type="survey_window").order_by("id")] == [
        "survey.open", "survey.close"
    ]  # fmt: skip


async def test_free_text_waits_for_an_editor_and_a_removed_answer_is_erased(
    client: httpx.AsyncClient,
) -> None:
    window = await open_travel_survey()
    held = await SurveyFreeText.create(
        survey="travel-home",
        window_id=window.id,
        area=AREA,
        question="other",
        text="near the chicken shop",
        month="2026-12",
    )
    await login_as(client, role="editor", areas=(AREA,))
    queue = (await client.get("/api/v1/admin/surveys/free-text")).json()["items"]
    assert [i["text"] for i in queue] == ["near the chicken shop"]
    removed = await client.post(f"/api/v1/admin/surveys/free-text/{held.id}", json={"decision": "remove"})
    assert removed.json() == {"id": held.id, "status": "removed"}
    assert (await SurveyFreeText.get(id=held.id)).text == ""
    assert (await client.get("/api/v1/admin/surveys/free-text")).json()["items"] == []


async def test_answers_go_24_months_after_their_period_closed(client: httpx.AsyncClient) -> None:
    from backend.surveys.service import purge_expired

    today = london_today()
    old = await SurveyWindow.create(
        survey="travel-home",
        opens_on=today - dt.timedelta(days=800),
        closes_on=today - dt.timedelta(days=731),
    )
    recent = await open_travel_survey()
    for window in (old, recent):
        await SurveyResponse.create(
            survey="travel-home",
            survey_version=1,
            window_id=window.id,
            month="2024-01",
            area=AREA,
            answers={},
        )
        await SurveyDevice.create(token_hash=f"{window.id:064d}", window_id=window.id)
    assert await purge_expired(today=today) == {
        "survey_answers": 1,
        "survey_devices": 1,
        "survey_free_text": 0,
    }
    assert [r.window_id for r in await SurveyResponse.all()] == [recent.id]

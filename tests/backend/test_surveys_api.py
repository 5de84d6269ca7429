"""Anonymous survey answers: validated against content/surveys, stored without identifiers."""

from __future__ import annotations

import httpx

from backend.alerts.models import SurveyResponse


async def test_valid_answers_are_stored_without_identifiers(client: httpx.AsyncClient) -> None:
    survey = (await client.get("/api/v1/surveys/journey-home")).json()
    assert {q["id"] for q in survey["questions"]} >= {"felt_safe"}
    answers = {"felt_safe": 4, "used_safer_route": "yes", "what_helped": ["well_lit_streets", "haven_nearby"]}
    response = await client.post("/api/v1/surveys/journey-home/responses", json={"answers": answers})
    assert response.status_code == 201
    stored = await SurveyResponse.get()
    assert stored.survey == "journey-home"
    assert stored.answers == {**answers, "what_helped": ["haven_nearby", "well_lit_streets"]}
    fields = set(SurveyResponse._meta.fields_map)
    assert fields == {"id", "survey", "survey_version", "answers", "received_on"}


async def test_bad_answers_and_unknown_surveys_are_refused(client: httpx.AsyncClient) -> None:
    cases = [
        ({"answers": {"felt_safe": 9}}, 422),
        ({"answers": {"felt_safe": True}}, 422),
        ({"answers": {"used_safer_route": "yes"}}, 422),
        ({"answers": {"felt_safe": 3, "name": "Sam"}}, 422),
        ({"answers": {"felt_safe": 3, "what_helped": ["magic"]}}, 422),
        ({"answers": {"felt_safe": 3}, "email": "a@b.c"}, 422),
        ({"answers": []}, 422),
    ]
    for body, status in cases:
        response = await client.post("/api/v1/surveys/journey-home/responses", json=body)
        assert response.status_code == status, body
        assert "error" in response.json()
    assert (await client.post("/api/v1/surveys/nope/responses", json={"answers": {}})).status_code == 404
    assert await SurveyResponse.all().count() == 0


async def test_answers_must_be_sent_as_json(client: httpx.AsyncClient) -> None:
    """A cross-site HTML form can post text/plain or form data without a CORS check; neither is accepted."""
    body = b'{"answers": {"felt_safe": 4}}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
        response = await client.post(
            "/api/v1/surveys/journey-home/responses", content=body, headers={"content-type": content_type}
        )
        assert response.status_code == 415, content_type
        assert response.json()["error"]["message"] == "Send the answers as JSON (application/json)."
    ok = await client.post(
        "/api/v1/surveys/journey-home/responses",
        content=body,
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 201
    assert await SurveyResponse.all().count() == 1


async def test_answers_fall_under_a_per_address_limit(settings) -> None:  # type: ignore[no-untyped-def]
    from tests.backend.test_ratelimit import running

    limited = settings.with_changes(rate_limits_enabled=True, rate_limits={"/api/v1/surveys": (3, 3600)})
    answers = {"answers": {"felt_safe": 2}}
    async with running(limited, address="198.51.100.30") as http:
        statuses = [
            (await http.post("/api/v1/surveys/journey-home/responses", json=answers)).status_code
            for _ in range(3)
        ]
        assert statuses == [201, 201, 201]
        blocked = await http.post("/api/v1/surveys/journey-home/responses", json=answers)
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        assert (await http.get("/api/v1/surveys/journey-home")).status_code == 200  # reading is not limited
    async with running(limited, address="203.0.113.30") as elsewhere:
        assert (
            await elsewhere.post("/api/v1/surveys/journey-home/responses", json=answers)
        ).status_code == 201
        assert await SurveyResponse.all().count() == 4

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

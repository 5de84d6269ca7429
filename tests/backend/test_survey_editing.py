"""Editors change a survey's questions as a draft; a second editor publishes it as the next version, which a
survey period already open does not see."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import httpx

from backend.api.surveys import london_today
from backend.surveys.models import SurveyEdition, SurveyResponse, SurveyWindow
from tests.support.staff import create_user, login_as

AREA = "north-london-demo"
DRAFT_URL = "/api/v1/admin/surveys/local-attitudes/draft"


async def _editable(client: httpx.AsyncClient) -> dict[str, Any]:
    current = (await client.get(DRAFT_URL)).json()["current"]
    return {k: current[k] for k in ("title", "intro", "purpose", "audience", "free_text", "questions")}


async def test_a_change_needs_a_second_editor_and_applies_from_the_next_period(
    client: httpx.AsyncClient,
) -> None:
    today = london_today()
    running = await SurveyWindow.create(
        survey="local-attitudes", opens_on=today, closes_on=today + dt.timedelta(days=5), survey_version=1
    )
    author = await login_as(client, role="editor", areas=(AREA,))
    body = await _editable(client)
    body["questions"][0]["text"] = "How safe do you feel in your area in the daytime?"
    body["questions"].append({"id": "youth_club", "kind": "single", "text": "Do you go to a youth club?",
                              "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]})  # fmt: skip
    saved = await client.put(DRAFT_URL, json=body)
    assert saved.status_code == 200 and saved.json()["draft"]["version"] == 2
    assert saved.json()["draft"]["written_by_me"] is True
    refused = await client.post(f"{DRAFT_URL}/publish")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].startswith(
        "A change to a survey is published by a different editor"
    )
    public = (await client.get("/api/v1/surveys/local-attitudes")).json()
    assert (
        public["version"] == 1
        and public["questions"][0]["text"] == "How safe do you feel in your area during the day?"
    )

    reviewer = await create_user(role="editor", areas=(AREA,))
    await login_as(client, user=reviewer)
    published = await client.post(f"{DRAFT_URL}/publish")
    assert published.json() == {"published": True, "version": 2,
                                "message": "Published. It applies from the survey's next period."}  # fmt: skip
    assert author.id != reviewer.id
    # the running period still asks version 1 and refuses the new question
    public = (await client.get("/api/v1/surveys/local-attitudes")).json()
    assert public["version"] == 1 and "youth_club" not in [q["id"] for q in public["questions"]]
    answer = {
        "device": secrets.token_urlsafe(32),
        "area": AREA,
        "answers": {"safe_day": 4, "youth_club": "yes"},
    }
    refused_answer = await client.post("/api/v1/surveys/local-attitudes/responses", json=answer)
    assert refused_answer.status_code == 422
    # the next period asks version 2
    running.closes_on = today - dt.timedelta(days=1)
    await running.save()
    opened = await client.post(
        "/api/v1/admin/surveys/local-attitudes/windows",
        json={"opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=9)).isoformat()},
    )
    assert opened.status_code == 201, opened.text
    public = (await client.get("/api/v1/surveys/local-attitudes")).json()
    assert public["version"] == 2 and public["questions"][0]["text"].endswith("in the daytime?")
    counted = await client.post("/api/v1/surveys/local-attitudes/responses", json=answer)
    assert counted.status_code == 201
    assert (await SurveyResponse.get()).survey_version == 2
    from backend.accounts.models import AuditEvent

    actions = [e.action for e in await AuditEvent.filter(object_type="survey").order_by("id")]
    assert actions == ["survey.draft", "survey.publish"]


async def test_a_draft_that_would_not_work_is_refused_in_words_and_not_saved(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="editor", areas=(AREA,))
    body = await _editable(client)
    body["questions"][2]["options"] = body["questions"][2]["options"][:1]
    refused = await client.put(DRAFT_URL, json=body)
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "invalid_survey", "message": "Question 3: give between 2 and 12 choices.", "details": {"field": "options"},
    }  # fmt: skip
    body = await _editable(client)
    body["questions"][0]["kind"] = "text"
    refused = await client.put(DRAFT_URL, json=body)
    assert refused.json()["error"]["message"] == (
        "Question 1 asks for a written answer, but written answers are turned off for this survey."
    )
    body = await _editable(client)
    body["title"] = ""
    assert (await client.put(DRAFT_URL, json=body)).json()["error"]["message"] == (
        "Write the survey's title (at most 120 characters)."
    )
    assert await SurveyEdition.all().count() == 0
    await login_as(client, role="officer", areas=(AREA,))
    assert (await client.put(DRAFT_URL, json=await _editable_as_admin(client))).status_code == 403


async def _editable_as_admin(client: httpx.AsyncClient) -> dict[str, Any]:
    return {"title": "t", "intro": "i", "purpose": "p", "questions": []}


async def test_a_pilot_at_a_few_schools_counts_only_their_pupils(client: httpx.AsyncClient) -> None:
    author = await login_as(client, role="editor", areas=(AREA,))
    current = (await client.get("/api/v1/admin/surveys/knife-carrying/draft")).json()["current"]
    body = {k: current[k] for k in ("title", "intro", "purpose", "free_text", "questions")}
    body["audience"] = {"tiers": ["10-13", "14-17"], "schools": ["101270"]}
    assert (await client.put("/api/v1/admin/surveys/knife-carrying/draft", json=body)).status_code == 200
    await login_as(client, user=await create_user(role="editor", areas=(AREA,)))
    assert (await client.post("/api/v1/admin/surveys/knife-carrying/draft/publish")).status_code == 200
    assert author is not None
    today = london_today()
    await SurveyWindow.create(survey="knife-carrying", opens_on=today, closes_on=today, survey_version=2)
    url = "/api/v1/surveys/knife-carrying/responses"

    def answer(school: str | None) -> dict[str, Any]:
        return {
            "device": secrets.token_urlsafe(32),
            "area": AREA,
            "school": school,
            "answers": {"feel_safe_school": 3},
        }

    no_school = await client.post(url, json=answer(None))
    assert no_school.status_code == 422
    assert (
        no_school.json()["error"]["message"]
        == "This survey is running at a few schools first. Choose your school."
    )
    elsewhere = await client.post(url, json=answer("101264"))
    assert elsewhere.json()["error"]["message"] == "This survey is not running at your school."
    assert (await client.post(url, json=answer("101270"))).status_code == 201

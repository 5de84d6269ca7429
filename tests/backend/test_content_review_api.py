"""Key message review in the console: review due, second-person approval for law messages, audit with the write."""

from __future__ import annotations

import httpx

from backend.accounts.models import AuditEvent
from havens.models import KeyMessage, KeyMessageVersion
from tests.support.staff import login_as


async def _public(client: httpx.AsyncClient, tier: str, topic: str) -> dict:  # type: ignore[type-arg]
    messages = (await client.get("/api/v1/messages", params={"tier": tier})).json()["messages"]
    return next(m for m in messages if m["topic"] == topic)  # type: ignore[no-any-return]


async def test_content_seeded_messages_carry_sources_and_are_listed_as_review_due(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="editor")
    r = await client.get("/api/v1/admin/messages", params={"review_due": "1"})
    assert r.status_code == 200
    due = r.json()["messages"]
    assert len(due) == await KeyMessage.all().count() > 0  # nobody has reviewed this round's text yet
    law = next(m for m in due if m["tier"] == "14-17" and m["law"])
    assert law["reviewed_by"] == "" and law["reviewed_on"] is None and law["review_due"] is True
    assert "https://www.legislation.gov.uk/ukpga/1988/33/section/139A" in law["sources"]
    assert law["owner"] == "Safer Schools officer"


async def test_content_law_message_needs_a_second_person_to_publish_and_review(
    client: httpx.AsyncClient,
) -> None:
    msg = await KeyMessage.get(tier="18-24", topic="law-and-consequences")
    before = (await _public(client, "18-24", "law-and-consequences"))["version"]
    writer = await login_as(client, role="editor")
    r = await client.patch(
        f"/api/v1/admin/messages/{msg.id}", json={"title": "Knife law (edited)", "status": "published"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "second_person_needed"
    assert "different editor" in r.json()["error"]["message"]
    assert (await KeyMessage.get(id=msg.id)).title != "Knife law (edited)"  # nothing stored
    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"title": "Knife law (edited)"})
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["last_edited_by"] == writer.id
    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"status": "published"})
    assert r.status_code == 409  # the same account still may not publish
    r = await client.post(
        f"/api/v1/admin/messages/{msg.id}/review", json={"reviewed_by": "Safer Schools officer"}
    )
    assert r.status_code == 409  # nor review its own text
    assert (await _public(client, "18-24", "law-and-consequences"))["version"] == before

    approver = await login_as(client, role="editor")
    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"status": "published"})
    assert r.status_code == 200 and r.json()["version"] == before + 1
    version = await KeyMessageVersion.get(message_id=msg.id, version=before + 1)
    assert version.author_id == approver.id and version.title == "Knife law (edited)"
    r = await client.post(
        f"/api/v1/admin/messages/{msg.id}/review", json={"reviewed_by": "Safer Schools officer"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reviewed_by"] == "Safer Schools officer" and body["review_due"] is False
    assert body["reviewed_on"] and body["review_by"] > body["reviewed_on"]
    event = await AuditEvent.get(action="message.review", object_id=str(msg.id))
    assert event.actor_id == approver.id
    due = (await client.get("/api/v1/admin/messages", params={"review_due": "1"})).json()["messages"]
    assert msg.id not in {m["id"] for m in due}


async def test_content_other_topics_may_be_published_by_their_editor(client: httpx.AsyncClient) -> None:
    msg = await KeyMessage.get(tier="14-17", topic="first-aid-bleeding")
    await login_as(client, role="editor")
    r = await client.patch(
        f"/api/v1/admin/messages/{msg.id}", json={"title": "First aid", "status": "published"}
    )
    assert r.status_code == 200 and r.json()["status"] == "published"


async def test_content_bad_review_is_422_and_stores_nothing(client: httpx.AsyncClient) -> None:
    msg = await KeyMessage.get(tier="14-17", topic="why-people-carry")
    await login_as(client, role="editor")
    for body in (
        {"reviewed_by": "Jane Smith"},
        {},
        {"reviewed_by": "Safer Schools officer", "reviewed_on": "2020-01-01"},
    ):
        r = await client.post(f"/api/v1/admin/messages/{msg.id}/review", json=body)
        assert r.status_code == 422, body
    again = await KeyMessage.get(id=msg.id)
    assert again.reviewed_on is None and again.reviewed_by == ""
    assert not await AuditEvent.filter(action="message.review", object_id=str(msg.id)).exists()
    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"sources": ["javascript:alert(1)"]})
    assert r.status_code == 422 and "sources" in r.json()["error"]["details"]["fields"]


async def test_content_law_message_without_a_section_cannot_be_published(client: httpx.AsyncClient) -> None:
    msg = await KeyMessage.get(tier="parents-carers", topic="law-and-consequences")
    await login_as(client, role="editor")
    r = await client.patch(
        f"/api/v1/admin/messages/{msg.id}", json={"sources": ["https://www.gov.uk/buying-carrying-knives"]}
    )
    assert r.status_code == 200 and r.json()["status"] == "draft"
    await login_as(client, role="editor")  # a second person
    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"status": "published"})
    assert (
        r.status_code == 422
        and "legislation.gov.uk section" in r.json()["error"]["details"]["fields"]["sources"]
    )
    assert (await KeyMessage.get(id=msg.id)).version == msg.version

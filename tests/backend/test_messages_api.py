"""Key messages: public by age or tier (published only), staff drafts and versioned publishing."""

from __future__ import annotations

import httpx
import pytest

from backend.accounts.models import AuditEvent
from content.messages import CORE_TOPICS
from havens.models import KeyMessage, KeyMessageVersion
from tests.support.staff import login_as


async def test_age_12_gets_the_10_13_tier(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/messages", params={"age": 12})
    assert r.status_code == 200
    body = r.json()
    assert body["tier"] == "10-13"
    assert {m["topic"] for m in body["messages"]} == set(CORE_TOPICS)
    assert all(m["version"] >= 1 and m["body_markdown"] for m in body["messages"])
    assert (await client.get("/api/v1/messages", params={"age": 16})).json()["tier"] == "14-17"
    parents = (await client.get("/api/v1/messages", params={"tier": "parents-carers"})).json()
    assert parents["tier"] == "parents-carers" and len(parents["messages"]) == len(CORE_TOPICS)


@pytest.mark.parametrize(
    "params", [{}, {"age": 9}, {"age": 30}, {"tier": "adults"}, {"age": 12, "tier": "14-17"}]
)
async def test_bad_requests_are_422(client: httpx.AsyncClient, params: dict[str, object]) -> None:
    assert (await client.get("/api/v1/messages", params=params)).status_code == 422


async def test_draft_publish_and_version_history(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="editor", areas=("southwark",))
    msg = await KeyMessage.get(tier="14-17", topic="getting-home-safely")
    public_v1 = await public_message(client, "14-17", "getting-home-safely")

    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"title": "New title draft"})
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert await public_message(client, "14-17", "getting-home-safely") == public_v1  # public text unchanged

    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"status": "published"})
    assert r.status_code == 200
    data = r.json()
    assert data["version"] == public_v1["version"] + 1 and data["status"] == "published"
    assert [v["version"] for v in data["versions"]] == [public_v1["version"] + 1, public_v1["version"]]
    assert data["versions"][1]["title"] == public_v1["title"]  # the previous version is kept
    now_public = await public_message(client, "14-17", "getting-home-safely")
    assert now_public["title"] == "New title draft" and now_public["version"] == data["version"]
    assert (
        await AuditEvent.filter(action="message.update", object_id=str(msg.id), actor_id=staff.id).count()
        == 2
    )

    r = await client.patch(f"/api/v1/admin/messages/{msg.id}", json={"status": "archived"})
    assert r.status_code == 200
    assert await public_message(client, "14-17", "getting-home-safely") is None


async def test_new_message_draft_is_not_public_until_published(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    body = {
        "tier": "10-13",
        "topic": "online-safety",
        "title": "Staying safe online",
        "body_markdown": "Be kind.",
    }
    r = await client.post("/api/v1/admin/messages", json=body)
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["version"] == 0
    assert await public_message(client, "10-13", "online-safety") is None
    assert (await client.post("/api/v1/admin/messages", json=body)).status_code == 422  # duplicate tier+topic
    r = await client.patch(f"/api/v1/admin/messages/{r.json()['id']}", json={"status": "published"})
    assert r.json()["version"] == 1
    assert (await public_message(client, "10-13", "online-safety"))["body_markdown"] == "Be kind."  # type: ignore[index]
    bad = {**body, "topic": "Bad Topic!", "tier": "adults"}
    r = await client.post("/api/v1/admin/messages", json=bad)
    assert r.status_code == 422 and {"topic", "tier"} <= set(r.json()["error"]["details"]["fields"])


async def test_versions_are_rows_that_survive(client: httpx.AsyncClient) -> None:
    assert await KeyMessageVersion.all().count() >= 30


async def public_message(client: httpx.AsyncClient, tier: str, topic: str) -> dict | None:  # type: ignore[type-arg]
    r = await client.get("/api/v1/messages", params={"tier": tier})
    return next((m for m in r.json()["messages"] if m["topic"] == topic), None)

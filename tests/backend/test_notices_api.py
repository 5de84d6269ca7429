"""Staff notices API: roles and object scope, draft -> scheduled -> sent, preview, audit, public listing."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.accounts.models import AuditEvent
from backend.alerts.models import Delivery, Notice
from backend.alerts.sender import WebPushSender, make_client
from backend.alerts.worker import OutboxWorker, WorkerConfig, signer_for
from backend.settings import Settings
from content.areas import load_all_areas
from tests.alerts.support import SCHOOL_A, SCHOOL_B
from tests.support.staff import login_as, logout_locally

DRAFT = {
    "kind": "patrol",
    "title": "Patrol",
    "body": "Officers near the school gates after 15:00.",
    "schools": [SCHOOL_A],
}


async def test_staff_api_needs_a_session(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/admin/notices")).status_code == 401
    assert (await client.post("/api/v1/admin/notices", json=DRAFT)).status_code == 401


async def test_officers_act_only_for_their_schools_and_areas(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_B,), areas=())
    denied = await client.post("/api/v1/admin/notices", json=DRAFT)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden_object"
    denied = await client.post("/api/v1/admin/notices", json={**DRAFT, "schools": [], "areas": ["southwark"]})
    assert denied.status_code == 403
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    created = await client.post("/api/v1/admin/notices", json=DRAFT)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    notice_id = created.json()["id"]
    await login_as(client, role="officer", schools=(SCHOOL_B,), areas=())
    for method, path in (("GET", ""), ("PATCH", ""), ("GET", "/preview"), ("POST", "/send")):
        response = await client.request(
            method,
            f"/api/v1/admin/notices/{notice_id}{path}",
            json={"title": "x"} if method == "PATCH" else None,
        )
        assert response.status_code == 403, (method, path)
    assert (await client.get("/api/v1/admin/notices")).json()["notices"] == []
    await login_as(client, role="officer", areas=("southwark",), schools=())  # an area covers its schools
    assert (await client.get(f"/api/v1/admin/notices/{notice_id}")).status_code == 200
    assert (await Notice.get(id=notice_id)).status == "draft"


async def test_editors_draft_but_cannot_send(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", schools=(SCHOOL_A,), areas=())
    created = await client.post("/api/v1/admin/notices", json=DRAFT)
    assert created.status_code == 201
    sent = await client.post(f"/api/v1/admin/notices/{created.json()['id']}/send")
    assert sent.status_code == 403 and sent.json()["error"]["code"] == "forbidden_role"
    assert (await Notice.get(id=created.json()["id"])).status == "draft"


async def test_csrf_is_required_for_unsafe_methods(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    client.headers.pop("X-CSRF-Token")
    response = await client.post("/api/v1/admin/notices", json=DRAFT)
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"


async def test_validation_errors_are_422_and_write_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=("southwark",))
    cases = [
        ({**DRAFT, "kind": "gossip"}, "invalid_notice"),
        ({**DRAFT, "schools": ["000000"]}, "unknown_school"),
        ({**DRAFT, "schools": [], "areas": ["atlantis"]}, "unknown_area"),
        ({**DRAFT, "schools": []}, "invalid_notice"),
        ({**DRAFT, "title": ""}, "invalid_notice"),
        ({**DRAFT, "expires_at": "2020-01-01T00:00:00+00:00"}, "invalid_notice"),
        ({**DRAFT, "send_at": "tomorrow"}, "invalid_notice"),
        ({**DRAFT, "send_at": "2030-01-01T10:00:00"}, "invalid_notice"),
        ({**DRAFT, "age_tiers": ["99-100"]}, "invalid_notice"),
        ({**DRAFT, "urgency": "panic"}, "invalid_notice"),
        ({**DRAFT, "colour": "red"}, "unknown_fields"),  # one code for unknown fields in every body
    ]
    for body, code in cases:
        response = await client.post("/api/v1/admin/notices", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == code, body
    assert await Notice.all().count() == 0
    assert (await client.get("/api/v1/admin/notices/abc")).status_code == 404
    assert (await client.get("/api/v1/admin/notices/99999999999999")).status_code == 404


async def test_preview_shows_exactly_the_payload_and_recipients(client: httpx.AsyncClient) -> None:
    sub = {"endpoint": "https://fcm.googleapis.com/fcm/send/one", "topics": [f"school:{SCHOOL_A}"]}
    from bench.loopback_push import LoopbackPushService

    sub["keys"] = LoopbackPushService().subscribe()["keys"]  # type: ignore[assignment]
    assert (await client.post("/api/v1/push/subscriptions", json=sub)).status_code == 201
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    created = (await client.post("/api/v1/admin/notices", json={**DRAFT, "urgency": "high"})).json()
    preview = (await client.get(f"/api/v1/admin/notices/{created['id']}/preview")).json()
    assert preview["display"]["title"] == "Patrol" and preview["display"]["body"] == DRAFT["body"]
    assert preview["payload"]["id"] == created["id"] and preview["payload"]["kind"] == "patrol"
    assert preview["recipients"] == 1
    assert preview["headers"]["Urgency"] == "high" and "Topic" not in preview["headers"]
    assert preview["payload_bytes"] == len(
        __import__("json").dumps(preview["payload"], ensure_ascii=False, separators=(",", ":")).encode()
    )


async def test_send_is_audited_once_and_cannot_repeat(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    created = (await client.post("/api/v1/admin/notices", json=DRAFT)).json()
    sent = await client.post(f"/api/v1/admin/notices/{created['id']}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent" and sent.json()["sent_at"]
    again = await client.post(f"/api/v1/admin/notices/{created['id']}/send")
    assert again.status_code == 409
    patched = await client.patch(f"/api/v1/admin/notices/{created['id']}", json={"title": "Changed"})
    assert patched.status_code == 409
    events = await AuditEvent.filter(action="notice.send", object_id=str(created["id"]))
    assert len(events) == 1 and events[0].actor_id == staff.id and events[0].details["recipients"] == 0


async def test_public_notices_are_current_only(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=("southwark",))
    draft = (await client.post("/api/v1/admin/notices", json={**DRAFT, "title": "Still a draft"})).json()
    live = (await client.post("/api/v1/admin/notices", json=DRAFT)).json()
    await client.post(f"/api/v1/admin/notices/{live['id']}/send")
    area_wide = (
        await client.post("/api/v1/admin/notices", json={**DRAFT, "schools": [], "areas": ["southwark"]})
    ).json()
    await client.post(f"/api/v1/admin/notices/{area_wide['id']}/send")
    old = await Notice.create(
        kind="safety",
        title="Old",
        body="x",
        schools=[SCHOOL_A],
        status="sent",
        sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
    )
    logout_locally(client)
    by_school = (await client.get("/api/v1/notices", params={"school": SCHOOL_A})).json()["notices"]
    assert {n["id"] for n in by_school} == {live["id"], area_wide["id"]}
    assert draft["id"] not in {n["id"] for n in by_school} and old.id not in {n["id"] for n in by_school}
    other_school = (await client.get("/api/v1/notices", params={"school": SCHOOL_B})).json()["notices"]
    assert {n["id"] for n in other_school} == {area_wide["id"]}
    by_area = (await client.get("/api/v1/notices", params={"area": "southwark"})).json()["notices"]
    assert {n["id"] for n in by_area} == {live["id"], area_wide["id"]}
    assert (await client.get("/api/v1/notices", params={"area": "north-london-demo"})).json()["notices"] == []
    assert (await client.get("/api/v1/notices")).status_code == 422
    assert (await client.get("/api/v1/notices", params={"school": "nope"})).status_code == 404
    school = (await client.get(f"/api/v1/schools/{SCHOOL_A}")).json()
    assert {n["id"] for n in school["notices"]} == {live["id"], area_wide["id"]}


async def test_scheduled_notice_is_sent_by_the_worker_when_due(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    created = (await client.post("/api/v1/admin/notices", json={**DRAFT, "send_at": soon.isoformat()})).json()
    scheduled = await client.post(f"/api/v1/admin/notices/{created['id']}/send")
    assert scheduled.json()["status"] == "scheduled"
    async with make_client() as http:
        worker = OutboxWorker(
            settings=settings,
            areas=load_all_areas(areas_dir=settings.areas_dir),
            sender=WebPushSender(client=http, signer=signer_for(settings)),
            config=WorkerConfig(),
        )
        assert await worker.promote_due() == 0
        import asyncio

        await asyncio.sleep(1.2)
        assert await worker.promote_due() == 1
        assert await worker.promote_due() == 0
    notice = await Notice.get(id=created["id"])
    assert notice.status == "sent"
    assert (
        await AuditEvent.filter(
            action="notice.send", object_id=str(notice.id), actor_email="scheduler"
        ).count()
        == 1
    )
    assert await Delivery.filter(notice_id=notice.id).count() == 0  # nobody subscribed


async def test_nul_and_control_characters_are_422_not_a_database_error(client: httpx.AsyncClient) -> None:
    """PostgreSQL refuses NUL in text and JSON; it must be a clear 422 on both databases, never a 500."""
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    for field in ("title", "body"):
        response = await client.post("/api/v1/admin/notices", json={**DRAFT, field: "Patrol\x00 tonight"})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"]["field"] == field
    ok = await client.post("/api/v1/admin/notices", json={**DRAFT, "body": "Line one\nLine two\tindented"})
    assert ok.status_code == 201
    bad_rules = {"weekly": [{"group": "Year\x007", "days": ["mon"], "finish": "15:00"}]}
    put = await client.put(f"/api/v1/admin/schools/{SCHOOL_A}/finish-times", json=bad_rules)
    assert put.status_code == 422, put.text
    assert put.json()["error"]["details"]["field"] == "weekly.0.group"
    gone = await client.request("DELETE", "/api/v1/push/subscriptions", json={"endpoint": "https://x/\x00"})
    assert gone.status_code == 422
    assert await Notice.all().count() == 1


async def test_a_tapped_notification_opens_its_notice_until_it_ends(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    draft = (await client.post("/api/v1/admin/notices", json=DRAFT)).json()
    logout_locally(client)
    unsent = await client.get(f"/api/v1/notices/{draft['id']}")
    assert unsent.status_code == 404 and unsent.json()["error"]["message"] == (
        "This notice has ended or was withdrawn."
    )  # a draft is not public
    await login_as(client, role="officer", schools=(SCHOOL_A,), areas=())
    assert (await client.post(f"/api/v1/admin/notices/{draft['id']}/send")).status_code == 200
    logout_locally(client)
    opened = await client.get(f"/api/v1/notices/{draft['id']}")
    assert opened.status_code == 200
    assert (opened.json()["notice"]["title"], opened.json()["notice"]["schools"]) == ("Patrol", [SCHOOL_A])
    await Notice.filter(id=draft["id"]).update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert (await client.get(f"/api/v1/notices/{draft['id']}")).status_code == 404
    for odd in ("99999999999999999999999", "0", "%C2%B2"):  # beyond any id, zero, a superscript two
        assert (await client.get(f"/api/v1/notices/{odd}")).status_code == 404

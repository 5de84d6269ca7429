"""Help services: public filter by need and age, staff CRUD/import, HSDS 3.0 export validated by its schema."""

from __future__ import annotations

import httpx
import jsonschema
import pytest

from backend.accounts.models import AuditEvent
from havens.hsds import service_schema
from havens.models import HelpService
from tests.support.staff import login_as


async def services(client: httpx.AsyncClient, **params: object) -> list[dict]:  # type: ignore[type-arg]
    r = await client.get("/api/v1/services", params=params)
    assert r.status_code == 200, r.text
    return r.json()["services"]  # type: ignore[no-any-return]


async def test_report_anonymously_includes_crimestoppers_and_fearless(client: httpx.AsyncClient) -> None:
    found = {s["name"]: s for s in await services(client, need="report_anonymously")}
    assert "Crimestoppers" in found and "Fearless (Crimestoppers youth service)" in found
    assert found["Crimestoppers"]["channels"][0]["value"] == "0800 555 111"
    assert found["Fearless (Crimestoppers youth service)"]["channels"][0] == {
        "kind": "web", "value": "https://fearless.org", "hours": "24/7", "open_now": True}  # fmt: skip
    assert all("report_anonymously" in s["needs"] for s in found.values())


async def test_age_filter_and_unverified_entries(client: httpx.AsyncClient) -> None:
    young = {s["name"] for s in await services(client, need="feeling_low", age=12)}
    assert "Childline (NSPCC)" in young and "Shout" in young
    adult = {s["name"] for s in await services(client, need="feeling_low", age=30)}
    assert "Childline (NSPCC)" not in adult and "Shout" in adult
    assert "Fearless (Crimestoppers youth service)" not in {
        s["name"] for s in await services(client, need="report_anonymously", age=10)}  # fmt: skip
    # needs_check rows (Samaritans, The Mix, NSPCC helpline) are hidden until an editor verifies them
    low = await services(client, need="feeling_low")
    assert {"Samaritans", "The Mix (under 25s)"}.isdisjoint({s["name"] for s in low})
    assert all(s["status"] == "checked" for s in await services(client))
    childline = next(s for s in low if s["name"] == "Childline (NSPCC)")
    assert childline["verified_at"] is None and childline["checked_on"] == "2026-11-25"


async def test_open_now_per_channel(client: httpx.AsyncClient) -> None:
    parents = await services(client, need="parent_carer_worried", at="2026-12-25T03:00:00+00:00")
    by_name = {s["name"]: s for s in parents}
    assert by_name["Victim Support"]["open_now"] is True  # 24/7
    assert "NSPCC helpline (adults worried about a child)" not in by_name  # needs_check: not public


@pytest.mark.parametrize("params", [{"need": "bored"}, {"age": "ten"}, {"age": 400}])
async def test_bad_filters_are_422(client: httpx.AsyncClient, params: dict[str, object]) -> None:
    assert (await client.get("/api/v1/services", params=params)).status_code == 422


async def test_hsds_export_validates_against_the_schema(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/services/hsds.json")
    assert r.status_code == 200
    page = r.json()
    assert page["total_items"] == await HelpService.filter(status="checked").count() > 0
    validator = jsonschema.Draft7Validator(service_schema(), format_checker=jsonschema.FormatChecker())
    for service in page["contents"]:
        errors = sorted(validator.iter_errors(service), key=str)
        assert errors == [], (service["name"], [e.message for e in errors])
    crimestoppers = next(s for s in page["contents"] if s["name"] == "Crimestoppers")
    assert crimestoppers["phones"][0]["number"] == "0800 555 111"
    assert crimestoppers["assured_date"] == "2026-11-25"
    assert "Samaritans" not in {s["name"] for s in page["contents"]}  # needs_check: not published
    assert "not yet verified by council staff" in crimestoppers["alert"]
    broken = {**crimestoppers, "status": "open-ish", "phones": [{"number": "0800 555 111"}]}
    assert list(validator.iter_errors(broken)), "the schema check must be able to fail"


async def test_staff_service_crud_and_national_scope(client: httpx.AsyncClient) -> None:
    body = {"name": "Southwark youth line", "needs": ["feeling_low"], "area": "southwark",
            "channels": [{"kind": "phone", "value": "020 7525 0000", "hours": "Mo-Fr 09:00-17:00"}],
            "status": "needs_check", "age_min": 10, "age_max": 24}  # fmt: skip
    await login_as(client, role="editor", areas=("southwark",))
    r = await client.post("/api/v1/admin/services", json=body)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert await AuditEvent.filter(action="service.create", object_id=str(sid)).exists()
    r = await client.post("/api/v1/admin/services", json={**body, "area": "national"})
    assert r.status_code == 403
    r = await client.patch(
        f"/api/v1/admin/services/{sid}", json={"channels": [{"kind": "phone", "value": "12"}]}
    )
    assert r.status_code == 422 and "channels[0].value" in r.json()["error"]["details"]["fields"]
    r = await client.patch(f"/api/v1/admin/services/{sid}", json={"age_min": 30})
    assert r.status_code == 422
    r = await client.post(f"/api/v1/admin/services/{sid}/verify")
    assert r.status_code == 200 and r.json()["status"] == "checked" and r.json()["verified_at"]
    listed = await services(client, need="feeling_low", area="southwark")
    assert "Southwark youth line" in {s["name"] for s in listed}
    assert "Southwark youth line" not in {s["name"] for s in await services(client, need="feeling_low")}


async def test_service_import_is_all_or_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=())
    before = await HelpService.all().count()
    text = ("name,needs,phone,phone_hours,web,area,status\n"
            "Line one,feeling_low,0800 1111,24/7,,national,needs_check\n"
            "Line two,not_a_need,,,https://example.org,national,needs_check\n")  # fmt: skip
    r = await client.post("/api/v1/admin/imports/services", content=text.encode())
    assert r.status_code == 422
    assert r.json()["error"]["details"]["errors"] == [
        {"row": 3, "field": "needs", "message": r.json()["error"]["details"]["errors"][0]["message"]}
    ]
    assert await HelpService.all().count() == before
    r = await client.post(
        "/api/v1/admin/imports/services", content=text.replace("not_a_need", "victim_of_crime").encode()
    )
    assert r.status_code == 200 and r.json()["created"] == 2
    exported = (await client.get("/api/v1/admin/services/export.csv")).text
    assert "Line two" in exported and "https://example.org" in exported

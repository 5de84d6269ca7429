"""Staff havens API: CRUD with validation, area scope, audit, verification, stale list, CSV import/export."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from backend.accounts.models import AuditEvent
from havens.models import Haven
from tests.support.staff import login_as

NEW: dict[str, Any] = {
    "area": "southwark", "name": "Test corner shop", "kind": "citysafe_haven", "address": "1 Test Street",
    "postcode": "se15 5jr", "lat": 51.4740, "lon": -0.0690, "opening_hours": "Mo-Sa 08:00-20:00; PH off",
    "status": "active", "sample": True,
}  # fmt: skip
CSV_HEADER = "area,name,kind,postcode,lat,lon,opening_hours,status\n"


async def test_editor_crud_is_validated_scoped_and_audited(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="editor", areas=("southwark",))
    r = await client.post("/api/v1/admin/havens", json=NEW)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["postcode"] == "SE15 5JR" and created["verified_at"] is None and created["stale"] is True
    hid = created["id"]
    event = await AuditEvent.filter(action="haven.create").first()
    assert event is not None and event.object_id == str(hid) and event.actor_id == staff.id  # type: ignore[attr-defined]

    r = await client.patch(f"/api/v1/admin/havens/{hid}", json={"opening_hours": "Mo-Fr 25:00-26:00"})
    assert r.status_code == 422 and "opening_hours" in r.json()["error"]["details"]["fields"]
    assert (await Haven.get(id=hid)).opening_hours == NEW["opening_hours"]

    r = await client.patch(
        f"/api/v1/admin/havens/{hid}", json={"name": "Renamed shop", "contact": "Ask at the till"}
    )
    assert r.status_code == 200 and r.json()["name"] == "Renamed shop"
    assert await AuditEvent.filter(action="haven.update", object_id=str(hid)).count() == 1

    r = await client.post(f"/api/v1/admin/havens/{hid}/verify")
    assert r.status_code == 200
    verified = r.json()
    assert (
        verified["verified_by"] == staff.id
        and verified["stale"] is False
        and not verified["needs_verification"]
    )

    r = await client.delete(f"/api/v1/admin/havens/{hid}")
    assert r.status_code == 204 and not await Haven.exists(id=hid)
    assert await AuditEvent.filter(action="haven.delete", object_id=str(hid)).exists()


async def test_editor_cannot_act_outside_their_area(client: httpx.AsyncClient) -> None:
    other = await Haven.create(area="north-london-demo", name="Elsewhere", kind="other", lat=51.61, lon=-0.12)
    await login_as(client, role="editor", areas=("southwark",))
    r = await client.post("/api/v1/admin/havens", json={**NEW, "area": "north-london-demo"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_object"
    assert (await client.get(f"/api/v1/admin/havens/{other.id}")).status_code == 403
    assert (await client.patch(f"/api/v1/admin/havens/{other.id}", json={"name": "x"})).status_code == 403
    listed = (await client.get("/api/v1/admin/havens")).json()["havens"]
    assert other.id not in {h["id"] for h in listed} and all(h["area"] == "southwark" for h in listed)


async def test_roles_and_csrf(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/admin/havens")).status_code == 401
    await login_as(client, role="officer", areas=("southwark",))
    assert (await client.post("/api/v1/admin/havens", json=NEW)).status_code == 403
    await login_as(client, role="editor", areas=("southwark",))
    del client.headers["X-CSRF-Token"]
    r = await client.post("/api/v1/admin/havens", json=NEW)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert await Haven.filter(name=NEW["name"]).count() == 0


async def test_create_rejects_bad_fields_all_at_once(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=())
    bad = {**NEW, "kind": "castle", "lat": 200, "postcode": "NOT A PC", "website": "ftp://x", "colour": "red"}
    r = await client.post("/api/v1/admin/havens", json=bad)
    assert r.status_code == 422
    assert {"kind", "lat", "postcode", "website", "colour"} <= set(r.json()["error"]["details"]["fields"])
    assert (await client.post("/api/v1/admin/havens", content=b"{not json")).status_code == 400


async def test_stale_list(client: httpx.AsyncClient) -> None:
    now = datetime.now(UTC)
    fresh = await Haven.create(
        area="southwark",
        name="Fresh",
        kind="other",
        lat=51.47,
        lon=-0.07,
        verified_at=now - timedelta(days=30),
    )
    old = await Haven.create(
        area="southwark",
        name="Old",
        kind="other",
        lat=51.47,
        lon=-0.07,
        verified_at=now - timedelta(days=200),
    )
    never = await Haven.create(area="southwark", name="Never", kind="other", lat=51.47, lon=-0.07)
    await login_as(client, role="editor", areas=("southwark",))
    ids = {
        h["id"] for h in (await client.get("/api/v1/admin/havens", params={"stale": "1"})).json()["havens"]
    }
    assert old.id in ids and never.id in ids and fresh.id not in ids


async def test_import_with_one_bad_row_changes_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    before = await Haven.all().count()
    text = (CSV_HEADER
            + "southwark,Shop A,citysafe_haven,SE15 5JR,51.474,-0.069,Mo-Fr 09:00-17:00,active\n"
            + "southwark,Shop B,citysafe_haven,SE15 5JR,51.475,-0.070,Fr 22:00-02:00,active\n"
            + "southwark,Shop C,citysafe_haven,SE15 5JR,not-a-lat,-0.071,,active\n"
            + "southwark,Shop D,citysafe_haven,SE15 5JR,51.476,-0.072,,pending\n")  # fmt: skip
    r = await client.post(
        "/api/v1/admin/imports/havens", content=text.encode(), headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "import_rejected"
    assert err["details"]["errors"] == [{"row": 4, "field": "lat", "message": "must be a number"}]
    assert await Haven.all().count() == before

    good = text.replace("not-a-lat", "51.4755")
    r = await client.post("/api/v1/admin/imports/havens", content=good.encode())
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 4 and await Haven.all().count() == before + 4
    assert await AuditEvent.filter(action="haven.import").exists()


async def test_import_rejects_rows_outside_scope_and_unknown_columns(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    before = await Haven.all().count()
    text = CSV_HEADER + "north-london-demo,Far,other,,51.61,-0.12,,active\n"
    r = await client.post("/api/v1/admin/imports/havens", content=text.encode())
    assert r.status_code == 422 and r.json()["error"]["details"]["errors"][0]["row"] == 2
    r = await client.post("/api/v1/admin/imports/havens", content=b"area,name,kind,lat,lon,secret\n")
    assert r.status_code == 422 and r.json()["error"]["details"]["errors"][0]["field"] == "secret"
    assert await Haven.all().count() == before


async def test_export_round_trips_through_import(client: httpx.AsyncClient) -> None:
    await login_as(client, role="admin", areas=())
    r = await client.get("/api/v1/admin/havens/export.csv", params={"area": "southwark"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    exported = r.text
    count = await Haven.filter(area="southwark").count()
    assert exported.count("\n") == count + 1
    r = await client.post("/api/v1/admin/imports/havens", content=exported.encode())
    assert r.status_code == 200, r.text
    assert r.json()["updated"] == count and r.json()["created"] == 0
    assert await Haven.filter(area="southwark").count() == count


async def test_import_of_a_file_that_is_not_csv_is_a_422_not_a_500(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    before = await Haven.all().count()
    too_long_cell = "name,needs\n" + "x" * 140_000 + ",feeling_low\n"  # beyond the csv module's field limit
    for path in ("/api/v1/admin/imports/havens", "/api/v1/admin/imports/services"):
        r = await client.post(path, content=too_long_cell.encode(), headers={"Content-Type": "text/csv"})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "import_rejected"
    assert await Haven.all().count() == before


async def test_refusals_are_sentences_a_person_can_act_on(client: httpx.AsyncClient) -> None:
    """What the console shows beside each field, and above the form: no field keys, codes or schema words."""
    await login_as(client, role="admin", areas=())
    bad = {
        **NEW,
        "kind": "castle",
        "lat": 200,
        "postcode": "NOT A PC",
        "opening_hours": "whenever",
        "name": " ",
    }
    r = await client.post("/api/v1/admin/havens", json=bad)
    assert r.status_code == 422
    error = r.json()["error"]
    shown = [error["message"], *error["details"]["fields"].values()]
    for sentence in shown:
        assert not sentence[0].islower() and sentence.endswith("."), sentence
        assert not re.search(r"\b(lat|lon|kind|castle)\b|_|\{", sentence), sentence
    assert error["message"] == "5 answers need fixing. First: Give the name, up to 200 characters."
    assert [e["field"] for e in error["details"]["errors"]] == list(error["details"]["fields"])
    assert await Haven.filter(name=NEW["name"]).count() == 0


async def test_import_reads_cells_as_numbers_and_yes_no_in_ascii_only(client: httpx.AsyncClient) -> None:
    await login_as(client, role="editor", areas=("southwark",))
    before = await Haven.all().count()
    header = "area,name,kind,lat,lon,sample\n"
    for cells, field, message in (
        ("southwark,Shop,other,51.47²,-0.07,no", "lat", "must be a number"),
        ("southwark,Shop,other,٥١.٤٧,-0.07,no", "lat", "must be a number"),
        ("southwark,Shop,other,51.47,-0.07,maybe", "sample", "must be true or false"),
        ("southwark,Shop,castle,51.47,-0.07,no", "kind", "Choose the type of place from the list."),
        ("southwark,Shop,other,91,-0.07,yes", "lat", "Give the latitude as a number between -90 and 90."),
    ):
        r = await client.post("/api/v1/admin/imports/havens", content=(header + cells + "\n").encode())
        assert r.status_code == 422, (cells, r.text)
        assert r.json()["error"]["details"]["errors"] == [{"row": 2, "field": field, "message": message}]
    assert await Haven.all().count() == before
    r = await client.post(
        "/api/v1/admin/imports/havens", content=(header + "southwark,Shop,other,51.47,-0.07,yes\n").encode()
    )
    assert r.status_code == 200, r.text
    stored = await Haven.get(id=r.json()["ids"][0])
    assert stored.sample is True and stored.lat == 51.47


def test_the_csv_columns_are_the_fields_the_form_takes() -> None:
    """The CSV keeps its own column order, so the list is written out: it must name exactly the body's fields."""
    from havens.bodies import HavenDraft
    from havens.validation import HAVEN_FIELDS

    assert sorted(HAVEN_FIELDS) == sorted(HavenDraft.model_fields)

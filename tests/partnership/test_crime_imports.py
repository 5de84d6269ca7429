"""police.uk crime files in their published formats: all rows or none, duplicates ignored, outside rows counted."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from backend.settings import ROOT
from content.areas import load_area
from partnership.models import CrimeMonth, DataImport, StreetCrime
from partnership.policeuk import CSV_COLUMNS, ParseFailed, parse_api_json, parse_csv
from partnership.service import import_crime_file
from tests.support.staff import login_as

FIXTURES = Path(__file__).parent / "fixtures"
RAW_API = ROOT.parent / "shared" / "data" / "southwark" / "policeuk_api_2018-06_raw"
AREA = "southwark"
URL = "/api/v1/admin/imports/crimes"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_real_api_json_and_csv_parse_with_police_uk_categories() -> None:
    raw = json.loads((RAW_API / "E05011095.json").read_text())
    rows = parse_api_json((RAW_API / "E05011095.json").read_text())
    assert len(rows) == len(raw)
    assert {r.month for r in rows} == {"2018-06"}
    # persistent_id is the Crime ID; anti-social behaviour has none and falls back to the API id
    with_id = next(item for item in raw if item["persistent_id"])
    assert any(r.crime_id == with_id["persistent_id"] for r in rows)
    asb = next(item for item in raw if not item["persistent_id"])
    assert any(r.crime_id == f"api:{asb['id']}" for r in rows)
    csv_rows = parse_csv(_fixture("policeuk_2018-06_E05011095_derived.csv"))
    assert len(csv_rows) == len(raw)
    assert {r.category for r in csv_rows} == {r.category for r in rows}
    assert [(r.lat, r.lon) for r in csv_rows] == [(r.lat, r.lon) for r in rows]


def test_malformed_coordinate_empty_file_and_wrong_header_are_refused_with_row_errors() -> None:
    with pytest.raises(ParseFailed) as bad:
        parse_csv(_fixture("testfixture_malformed_coordinate.csv"))
    assert bad.value.errors == [
        {"row": 3, "field": "Longitude", "message": "Longitude must be a number between -180 and 180."}
    ]
    with pytest.raises(ParseFailed) as empty:
        parse_csv(_fixture("testfixture_empty.csv"))
    assert "empty" in empty.value.errors[0]["message"]
    other_order = ",".join(reversed(CSV_COLUMNS)) + "\n"
    with pytest.raises(ParseFailed) as header:
        parse_csv(other_order)
    assert header.value.errors[0]["field"] == "header"
    with pytest.raises(ParseFailed):
        parse_api_json('{"not": "a list"}')


async def test_all_23_real_ward_files_dedupe_by_crime_id(client: httpx.AsyncClient) -> None:
    """The 23 ward responses overlap at ward edges: a crime in two files is stored once."""
    area = load_area(AREA)
    files = sorted(RAW_API.glob("*.json"))
    keys: set[str] = set()
    total = added = duplicates = outside = 0
    for path in files:
        items = json.loads(path.read_text())
        keys |= {item["persistent_id"] or f"api:{item['id']}" for item in items}
        result = await import_crime_file(
            area=AREA, boundary=area.boundary, filename=path.name, text=path.read_text(), imported_by=None
        )
        total += result["rows"]
        added += result["added"]
        duplicates += result["duplicates"]
        outside += result["outside_area"]
    assert total > len(keys)  # the files really do overlap
    assert added + duplicates + outside == total
    assert await StreetCrime.filter(area=AREA).count() == added
    stored = await StreetCrime.filter(area=AREA).values_list("crime_key", flat=True)
    assert len(set(stored)) == len(stored)  # no Crime ID twice
    assert added <= len(keys) and duplicates >= total - len(keys) - outside
    months = await CrimeMonth.filter(area=AREA)
    assert {m.month for m in months} == {"2018-06"} and sum(m.rows_added for m in months) == added


async def test_upload_csv_reports_counts_and_same_file_twice_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    body = _fixture("policeuk_2018-06_E05011095_derived.csv")
    first = await client.post(
        URL, params={"area": AREA, "filename": "2018-06-metropolitan-street.csv"}, content=body,
        headers={"content-type": "text/csv"},
    )  # fmt: skip
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["format"] == "policeuk_csv" and result["months"] == ["2018-06"]
    assert result["rows"] == len(body.strip().splitlines()) - 1
    assert result["added"] + result["duplicates"] + result["outside_area"] == result["rows"]
    assert result["surface"]["rebuilt"] is True
    held = await StreetCrime.filter(area=AREA).count()
    again = await client.post(URL, params={"area": AREA}, content=body, headers={"content-type": "text/csv"})
    assert again.status_code == 409
    assert "already imported" in again.json()["error"]["message"]
    assert await StreetCrime.filter(area=AREA).count() == held
    assert await DataImport.filter(area=AREA).count() == 1


async def test_duplicate_crime_id_in_one_file_is_ignored_and_counted(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    r = await client.post(URL, params={"area": AREA}, content=_fixture("testfixture_duplicate_crime_id.csv"))
    assert r.status_code == 200, r.text
    assert (r.json()["rows"], r.json()["added"], r.json()["duplicates"]) == (3, 2, 1)
    assert await StreetCrime.filter(area=AREA, crime_key="testfixture-dup-0001").count() == 1


async def test_row_outside_the_area_is_counted_reported_and_not_stored(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    r = await client.post(URL, params={"area": AREA}, content=_fixture("testfixture_row_outside_area.csv"))
    assert r.status_code == 200, r.text
    assert r.json()["outside_area"] == 1 and r.json()["outside_area_rows"] == [3]
    assert await StreetCrime.filter(area=AREA).values_list("crime_key", flat=True) == ["testfixture-out-0001"]


async def test_refused_files_store_nothing(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    bad = await client.post(
        URL, params={"area": AREA}, content=_fixture("testfixture_malformed_coordinate.csv")
    )
    assert bad.status_code == 422
    err = bad.json()["error"]
    assert err["code"] == "import_rejected" and err["message"].startswith("Nothing was imported")
    assert err["details"]["errors"][0]["row"] == 3
    empty = await client.post(URL, params={"area": AREA}, content=b"")
    assert empty.status_code == 422
    not_json = await client.post(
        URL,
        params={"area": AREA, "filename": "x.json"},
        content=b"[{",
        headers={"content-type": "application/json"},
    )
    assert not_json.status_code == 422
    assert await StreetCrime.all().count() == 0 and await DataImport.all().count() == 0


async def test_officer_of_another_area_cannot_import(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=("north-london-demo",), schools=())
    r = await client.post(URL, params={"area": AREA}, content=_fixture("testfixture_duplicate_crime_id.csv"))
    assert r.status_code == 403
    assert await StreetCrime.all().count() == 0

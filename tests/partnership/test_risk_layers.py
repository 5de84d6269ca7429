"""Risk is dated per source: each layer's own dates on routes, stale points out by default, shared layers only
when the data-sharing setting allows, small counts never shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from asgi_lifespan import LifespanManager

from backend.app import create_app
from backend.settings import Settings
from partnership.aggregates import parse_istv, summary
from partnership.service import ImportRejected
from routing.surface import DEFAULT_LAYER_WEIGHTS, Layer, SurfacePolicy, compose
from tests.support.staff import login_as

FIXTURES = Path(__file__).parent / "fixtures"
AREA = "southwark"


def _layers(n: int) -> list[Layer]:
    lsoa = np.linspace(0.0, 2.0, n)
    points = np.linspace(2.0, 0.0, n)
    return [
        Layer("mps_lsoa", lsoa, "2024-02", "2026-02"),
        Layer("policeuk_points", points, "2018-06", "2018-06", kind="points"),
    ]


def test_stale_point_layer_is_left_out_by_default_and_says_why() -> None:
    today = dt.date(2026, 12, 1)
    surface = compose(_layers(5), n_edges=5, policy=SurfacePolicy(), today=today)
    assert np.allclose(surface.base, np.linspace(0.0, 2.0, 5))  # the LSOA layer alone
    points = surface.layers[1]
    assert points == {
        "source": "policeuk_points", "name": "police.uk street-level crimes", "from": "2018-06", "to": "2018-06",
        "in_use": False, "weight": 0.0, "not_used_because": "older than 24 months",
    }  # fmt: skip
    allowed = compose(_layers(5), n_edges=5, policy=SurfacePolicy(max_point_age_months=120), today=today)
    w_l, w_p = DEFAULT_LAYER_WEIGHTS["mps_lsoa"], DEFAULT_LAYER_WEIGHTS["policeuk_points"]
    expected = (w_l * np.linspace(0, 2, 5) + w_p * np.linspace(2, 0, 5)) / (w_l + w_p)
    assert allowed.layers[1]["in_use"] and np.allclose(allowed.base, expected)


async def _route(client: httpx.AsyncClient, app: Any) -> dict[str, Any]:
    g = app.state.wayhome.routers[AREA].graph
    params = {"from": f"{g.node_lat[0]},{g.node_lon[0]}", "to": f"{g.node_lat[-1]},{g.node_lon[-1]}"}
    r = await client.get("/api/v1/routes", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_route_data_as_of_lists_each_source_with_its_own_date(
    client: httpx.AsyncClient, app: Any
) -> None:
    body = await _route(client, app)
    layers = {layer["source"]: layer for layer in body["data_as_of"]["risk_layers"]}
    assert (layers["mps_lsoa"]["from"], layers["mps_lsoa"]["to"], layers["mps_lsoa"]["in_use"]) == (
        "2024-02", "2026-02", True,
    )  # fmt: skip
    assert layers["policeuk_points"]["to"] == "2018-06" and not layers["policeuk_points"]["in_use"]
    assert (
        "Risk is based on: Metropolitan Police recorded crime by LSOA (February 2024 to February 2026)."
        in body["notes"]
    )
    assert "Not used: police.uk street-level crimes (June 2018), older than 24 months." in body["notes"]


async def test_public_streets_layer_carries_no_per_street_risk(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/api/v1/areas/{AREA}/streets")
    assert r.status_code == 200
    props = [f["properties"] for f in r.json()["features"]]
    assert props and all(set(p) <= {"name", "highway", "lit"} for p in props)


@pytest.mark.parametrize("sharing", [False, True])
async def test_shared_aggregate_layer_enters_only_when_sharing_allows(
    settings: Settings, sharing: bool
) -> None:
    app = create_app(settings.with_changes(partnership_data_sharing=sharing))
    async with LifespanManager(app, startup_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            await login_as(client, role="officer", areas=(AREA,), schools=())
            r = await client.post(
                "/api/v1/admin/imports/aggregates", params={"area": AREA, "source": "ambulance"},
                content=(FIXTURES / "testfixture_lsoa_counts.csv").read_bytes(), headers={"content-type": "text/csv"},
            )  # fmt: skip
            assert r.status_code == 200, r.text
            assert (r.json()["cells"], r.json()["suppressed_cells"], r.json()["outside_area"]) == (2, 1, 9)
            layer = next(x for x in r.json()["surface"]["layers"] if x["source"] == "ambulance_lsoa")
            assert layer["in_use"] is sharing and (layer["from"], layer["to"]) == ("2025-11", "2025-11")
            if not sharing:
                assert layer["not_used_because"] == "the partnership's data-sharing setting does not allow it"
            shown = await summary(area=AREA, source="ambulance", months=["2025-11"])
    assert {(c["place"], c["count"], c["suppressed"]) for c in shown} == {
        ("E01003932", 7, False),
        ("E01003014", None, True),
    }


def test_istv_rows_become_cells_and_bad_rows_refuse_the_file() -> None:
    from content.areas import load_area

    area = load_area(AREA)

    def lsoa_of(place: str) -> str | None:
        found = area.postcode(place)
        return found.lsoa11cd if found else None

    cells = parse_istv((FIXTURES / "testfixture_istv.csv").read_text(), lsoa_of=lsoa_of)
    by_key = {(c.place_kind, c.place_code, c.category): c.count for c in cells}
    assert by_key[("lsoa", "E01003932", "knife")] == 2  # SE1 0AA lies in E01003932
    assert by_key[("place", "TEST FIXTURE PARK", "none")] == 1
    assert by_key[("area", "", "time 15:00-17:59")] == 2
    with pytest.raises(ImportRejected) as bad:
        parse_istv(
            "date_of_assault,time_band,location,weapon\n2025-13-01,15:00-17:59,SE1 0AA,knife\n",
            lsoa_of=lsoa_of,
        )
    assert bad.value.errors == [
        {
            "row": 2,
            "field": "date_of_assault",
            "message": "date_of_assault must be a date written like 2025-03-14.",
        }
    ]

"""The perceived-safety layer: survey pins per 100 m square, only squares with 10 or more answers in a period, fed
into routing only when an officer turns it on, named in the routes' data_as_of either way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import numpy as np

from backend.api.surveys import london_today
from backend.surveys.models import SurveyResponse, SurveyWindow
from routing.surface import Layer, SurfacePolicy, compose, grid_count_layer
from tests.support.staff import login_as

AREA = "north-london-demo"


def _square_of_edge(router: Any, edge: int) -> tuple[int, int]:
    g = router.graph
    src = int(np.searchsorted(g.indptr, edge, side="right") - 1)
    dst = int(g.indices[edge])
    x = (g.node_x[src] + g.node_x[dst]) / 2
    y = (g.node_y[src] + g.node_y[dst]) / 2
    return int(x // 100 * 100), int(y // 100 * 100)


def test_a_square_raises_only_the_streets_inside_it_and_only_when_turned_on() -> None:
    from routing.graph import StreetGraph

    # two edges: one with its midpoint in square (530000, 180000), one 1 km east
    g = StreetGraph(
        node_x=np.array([530010.0, 530090.0, 531010.0, 531090.0]), node_y=np.array([180050.0] * 4),
        node_lat=np.zeros(4), node_lon=np.zeros(4), indptr=np.array([0, 1, 1, 2, 2]),
        indices=np.array([1, 3], dtype=np.int32), length_m=np.array([80.0, 80.0]), geom_offsets=np.array([0, 0, 0]),
        geom_lat=np.zeros(0), geom_lon=np.zeros(0), name_idx=np.array([-1, -1], dtype=np.int32), names=(),
        lit=np.zeros(2, dtype=np.int8), highway_idx=np.zeros(2, dtype=np.int32), highways=("footway",),
    )  # fmt: skip
    layer = grid_count_layer(
        g,
        key="perceived_grid",
        cells={(530000, 180000): 12},
        cell_m=100.0,
        first_month="2026-11",
        last_month="2026-11",
    )
    assert layer.values.tolist() == [1.0, 0.0]
    crime = Layer("mps_lsoa", np.array([1.0, 1.0]), "2024-02", "2026-02")
    off = compose([crime, layer], n_edges=2, policy=SurfacePolicy())
    assert off.base.tolist() == [1.0, 1.0]
    assert off.layers[1]["not_used_because"] == "officers have not turned it on for this area"
    on = compose(
        [crime, layer], n_edges=2, policy=SurfacePolicy(officer_layers_on=frozenset({"perceived_grid"}))
    )
    assert on.base[0] > on.base[1] and on.layers[1]["in_use"] and on.layers[1]["weight"] == 0.1


async def _pins(window: SurveyWindow, square: tuple[int, int], n: int) -> None:
    for _ in range(n):
        await SurveyResponse.create(
            survey="travel-home", survey_version=1, window_id=window.id, month="2026-11", area=AREA,
            answers={"feel_safe": 2, "where_unsafe": f"{square[0]}:{square[1]}"},
        )  # fmt: skip


async def test_officers_see_squares_of_ten_and_turn_the_layer_on_and_off(
    client: httpx.AsyncClient, app: Any
) -> None:
    router = app.state.wayhome.routers[AREA]
    today = london_today()
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=today - dt.timedelta(days=40), closes_on=today
    )
    busy = _square_of_edge(router, router.graph.n_edges // 2)
    quiet = _square_of_edge(router, router.graph.n_edges // 3)
    assert busy != quiet
    await _pins(window, busy, 12)
    await _pins(window, quiet, 9)  # fewer than 10: never shown, never used
    await login_as(client, role="officer", areas=(AREA,))
    shown = (await client.get("/api/v1/admin/surveys/perceived", params={"area": AREA})).json()
    assert shown["enabled"] is False
    assert [s["answers"] for s in shown["squares"]] == [12]
    assert shown["effect"]["sampled"] > 0 and shown["message"].startswith(
        f"Of {shown['effect']['sampled']} sample school routes"
    )
    assert "{" not in shown["message"]

    params = {"from": "school:101270", "to": "51.6023,-0.1411"}  # Coppetts Wood Primary to a street nearby
    turned = await client.put(
        "/api/v1/admin/surveys/perceived", params={"area": AREA}, json={"enabled": True}
    )
    assert turned.json() == {"area": AREA, "enabled": True, "rebuilt": True}
    layers = {
        x["source"]: x
        for x in (await client.get("/api/v1/routes", params=params)).json()["data_as_of"]["risk_layers"]
    }
    assert layers["perceived_grid"]["in_use"] is True and layers["perceived_grid"]["to"] == "2026-11"
    edge = router.graph.n_edges // 2
    raised = router.base_risk[edge]

    await client.put("/api/v1/admin/surveys/perceived", params={"area": AREA}, json={"enabled": False})
    layers = {
        x["source"]: x
        for x in (await client.get("/api/v1/routes", params=params)).json()["data_as_of"]["risk_layers"]
    }
    assert layers["perceived_grid"]["not_used_because"] == "officers have not turned it on for this area"
    assert router.base_risk[edge] < raised

    bad = await client.put("/api/v1/admin/surveys/perceived", params={"area": AREA}, json={"enabled": "yes"})
    assert bad.status_code == 422 and bad.json()["error"]["message"] == "Choose on or off."
    from backend.accounts.models import AuditEvent

    assert await AuditEvent.filter(action="survey.perceived_layer").count() == 2


async def test_the_layer_is_for_officers_of_the_area(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=("southwark",))
    refused = await client.get("/api/v1/admin/surveys/perceived", params={"area": AREA})
    assert refused.status_code == 403
    await login_as(client, role="editor", areas=(AREA,))
    assert (await client.get("/api/v1/admin/surveys/perceived", params={"area": AREA})).status_code == 403

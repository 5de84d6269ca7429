"""haven_points for the routing engineer: active havens of one area with their open state at a time."""

from __future__ import annotations

from datetime import datetime

import httpx

from havens.hours import LONDON
from havens.models import Haven
from havens.queries import haven_points


async def test_haven_points_gives_active_places_with_open_state(client: httpx.AsyncClient) -> None:
    area = "north-london-demo"
    always = await Haven.create(area=area, name="All hours", kind="citysafe_haven", lat=51.61, lon=-0.12,
                                opening_hours="24/7", status="active")  # fmt: skip
    holiday = await Haven.create(area=area, name="Shop", kind="citysafe_haven", lat=51.611, lon=-0.12,
                                 opening_hours="Mo-Su 09:00-18:00; PH off", status="active")  # fmt: skip
    pending = await Haven.create(area=area, name="Not yet", kind="citysafe_haven", lat=51.612, lon=-0.12,
                                 opening_hours="24/7", status="pending")  # fmt: skip
    christmas = datetime(2026, 12, 25, 12, tzinfo=LONDON)
    points = {p.id: p for p in await haven_points(area=area, at=christmas)}
    assert points[always.id].open_now is True
    assert points[holiday.id].open_now is False
    assert pending.id not in points
    assert all(
        p.id in points for p in await haven_points(area=area, at=datetime(2026, 12, 24, 12, tzinfo=LONDON))
    )
    assert {p.open_now for p in await haven_points(area=area, at=datetime(2026, 12, 24, 12, tzinfo=LONDON))
            if p.id == holiday.id} == {True}  # fmt: skip
    assert all(p.kind == "public_place" for p in points.values() if p.id not in (always.id, holiday.id))
    assert await haven_points(area="no-such-area", at=christmas) == []

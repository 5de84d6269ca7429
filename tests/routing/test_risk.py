"""Risk surface rules: darkness from the computed sunset, lighting rule, hotspot windows, recency weights."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from routing.graph import LIT_LIMITED, LIT_NO, LIT_UNKNOWN, LIT_YES, lit_code
from routing.risk import RiskConfig, TimeWindow, lighting_penalty, recency_weights, time_context
from routing.router import Router

LONDON = ZoneInfo("Europe/London")


def test_dark_follows_the_london_sunset_of_that_date() -> None:
    # 17:00 is dark in late November (sunset about 15:55) but light in June (sunset about 21:20).
    assert time_context(dt.datetime(2026, 11, 26, 17, 0, tzinfo=LONDON), lat=51.5, lon=-0.1).dark
    assert not time_context(dt.datetime(2026, 6, 20, 17, 0, tzinfo=LONDON), lat=51.5, lon=-0.1).dark
    ctx = time_context(dt.datetime(2026, 11, 26, 15, 30, tzinfo=LONDON), lat=51.5, lon=-0.1)
    assert ctx.school_peak and not ctx.dark
    assert not time_context(dt.datetime(2026, 11, 28, 15, 30, tzinfo=LONDON), lat=51.5, lon=-0.1).school_peak


def test_lit_tag_parsing_takes_the_darkest_merged_value() -> None:
    assert lit_code("yes") == LIT_YES and lit_code(["yes", "no"]) == LIT_NO
    assert lit_code("limited") == LIT_LIMITED and lit_code(None) == LIT_UNKNOWN


def test_lighting_penalty_rule(wood_green: Router) -> None:
    g = wood_green.graph
    cfg = RiskConfig()
    pen = lighting_penalty(g, config=cfg)
    assert np.all(pen[g.lit == LIT_NO] == cfg.dark_unlit_add)
    assert np.all(pen[g.lit == LIT_YES] == 0)
    footway = g.highways.index("footway")
    unknown_path = (g.lit == LIT_UNKNOWN) & (g.highway_idx == footway)
    assert unknown_path.any() and np.all(pen[unknown_path] == cfg.dark_unknown_path_add)


def test_time_window_and_recency() -> None:
    w = TimeWindow(days=(1, 2, 3, 4, 5), start=dt.time(15), end=dt.time(18))
    assert w.contains(dt.datetime(2026, 11, 26, 16, tzinfo=LONDON))
    assert not w.contains(dt.datetime(2026, 11, 28, 16, tzinfo=LONDON))
    overnight = TimeWindow(days=(5,), start=dt.time(22), end=dt.time(2))
    assert overnight.contains(dt.datetime(2026, 11, 27, 23, tzinfo=LONDON))
    weights = recency_weights(["2026-02", "2025-02", "2024-02"], latest="2026-02", half_life_months=12)
    assert weights == pytest.approx([1.0, 0.5, 0.25])


def test_base_surface_varies_and_night_costs_more(wood_green: Router) -> None:
    assert wood_green.base_risk.min() >= 0 and np.ptp(wood_green.base_risk) > 1
    g = wood_green.graph
    args = dict(
        from_lat=g.node_lat[3], from_lon=g.node_lon[3], to_lat=g.node_lat[2000], to_lon=g.node_lon[2000]
    )
    day = wood_green.routes(**args, at=dt.datetime(2026, 11, 26, 12, tzinfo=LONDON))["features"][0]
    night = wood_green.routes(**args, at=dt.datetime(2026, 11, 26, 22, tzinfo=LONDON))["features"][0]
    assert night["properties"]["exposure"] > day["properties"]["exposure"]

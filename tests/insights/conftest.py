"""A Wood Green router and one day's analysis of north-london-demo's six secondary schools, per session.

Finish times here are test inputs (the real schools' times are entered by officers), chosen close together
so that schools' pupils meet on the way home.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backend.directions import area_sources
from backend.insights.service import gias_pupil_numbers, secondary_schools
from content.areas import AreaPack, load_area
from insights.analysis import Analysis, SchoolDay, analyse
from insights.population import Homes, snap_homes
from routing.build import build_area
from routing.router import Router
from tests.conftest import SHARED_BUILD_DIR

LONDON = dt.timezone(dt.timedelta(0))  # December: London is on UTC
DAY = dt.date(2026, 12, 4)  # a Friday
FINISH = {"101345": "15:00", "102053": "15:10", "102056": "15:05", "137531": "15:00", "137745": "15:15",
          "139362": "15:10"}  # fmt: skip


@pytest.fixture(scope="session")
def pack() -> AreaPack:
    return load_area("north-london-demo")


@pytest.fixture(scope="session")
def router(pack: AreaPack) -> Router:
    out: Path = SHARED_BUILD_DIR / pack.slug
    build_area(area_sources(pack), out)
    return Router.load(out, slug=pack.slug)


@pytest.fixture(scope="session")
def homes(router: Router, pack: AreaPack) -> Homes:
    pcs = pack.postcodes
    nodes, snap_m = router.snap_many([p.lat for p in pcs.values()], [p.lon for p in pcs.values()])
    return snap_homes(list(zip(pcs, nodes, snap_m, strict=True)))


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=LONDON)


def school_days(pack: AreaPack, finish: dict[str, str] = FINISH) -> list[SchoolDay]:
    gias = gias_pupil_numbers(pack)
    return [
        SchoolDay(urn=s.urn, name=s.name, lat=s.lat, lon=s.lon, gias_pupils=gias.get(s.urn),
                  finishes=(("All pupils", at(finish[s.urn])),))
        for s in secondary_schools(pack)
    ]  # fmt: skip


@pytest.fixture(scope="session")
def analysis(router: Router, pack: AreaPack, homes: Homes) -> Analysis:
    return analyse(router, area=pack.slug, day=DAY, schools=school_days(pack), homes=homes)

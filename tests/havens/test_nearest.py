"""The nearest-haven index gives exactly the brute-force answer for random points and times."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np
import pytest

from havens.hours import LONDON
from havens.nearest import HavenIndex, HavenRecord, LocalProjection, brute_force_nearest

BBOX = (-0.1585, 51.5978, -0.0949, 51.6316)
HOURS = (
    "Mo-Fr 09:00-17:30; Sa 10:00-16:00; PH off",
    "24/7",
    "Fr 22:00-02:00",
    "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH off",
    "Mo-Su 08:00-20:00; PH unknown",
    None,
)
# Christmas Day 2026, the Early May bank holiday, an ordinary Friday night into Saturday, a Sunday
SPECIAL_TIMES = [
    "2026-12-25T12:00",
    "2026-05-04T11:00",
    "2026-11-27T23:30",
    "2026-11-28T01:15",
    "2026-11-29T10:00",
]


def records(n: int, seed: int) -> list[HavenRecord]:
    rng = random.Random(seed)
    return [
        HavenRecord(id=i, lat=rng.uniform(BBOX[1], BBOX[3]), lon=rng.uniform(BBOX[0], BBOX[2]),
                    opening_hours=rng.choice(HOURS))
        for i in range(1, n + 1)
    ]  # fmt: skip


def cases(seed: int, count: int) -> list[tuple[float, float, datetime]]:
    rng = random.Random(seed)
    out = []
    base = datetime(2026, 11, 20, tzinfo=LONDON)
    for i in range(count):
        when = (datetime.fromisoformat(SPECIAL_TIMES[i % len(SPECIAL_TIMES)]).replace(tzinfo=LONDON)
                if i % 3 == 0 else base + timedelta(minutes=rng.randrange(0, 60 * 24 * 45)))  # fmt: skip
        out.append((rng.uniform(BBOX[1], BBOX[3]), rng.uniform(BBOX[0], BBOX[2]), when))
    return out


def ids(hits: list) -> list[int]:  # type: ignore[type-arg]
    return [h.record.id for h in hits]


@pytest.mark.parametrize("open_filter", ["open", "open_or_unknown", "any"])
def test_matches_brute_force_straight_line(open_filter: str) -> None:
    recs = records(800, seed=1)
    index = HavenIndex(recs)
    checked_nonempty = 0
    for lat, lon, when in cases(seed=2, count=90):
        got = index.nearest(lat=lat, lon=lon, at=when, limit=5, open_filter=open_filter, max_m=3_000)  # type: ignore[arg-type]
        want = brute_force_nearest(
            recs,
            lat=lat,
            lon=lon,
            at=when,
            limit=5,
            open_filter=open_filter,  # type: ignore[arg-type]
            max_m=3_000,
        )
        assert ids(got) == ids(want), (lat, lon, when)
        assert [h.open_now for h in got] == [h.open_now for h in want]
        checked_nonempty += bool(want)
    assert checked_nonempty > 60


def test_open_filter_respects_holidays_and_overnight() -> None:
    recs = [
        HavenRecord(id=1, lat=51.61, lon=-0.12, opening_hours="Mo-Su 08:00-20:00; PH off"),
        HavenRecord(id=2, lat=51.611, lon=-0.12, opening_hours="Fr 22:00-02:00"),
        HavenRecord(id=3, lat=51.612, lon=-0.12, opening_hours=None),
        HavenRecord(id=4, lat=51.613, lon=-0.12, opening_hours="24/7"),
    ]
    index = HavenIndex(recs)

    def open_ids(when: str, flt: str = "open") -> list[int]:
        t = datetime.fromisoformat(when).replace(tzinfo=LONDON)
        return ids(index.nearest(lat=51.61, lon=-0.12, at=t, limit=10, open_filter=flt))  # type: ignore[arg-type]

    assert open_ids("2026-12-25T12:00") == [4]  # Christmas: PH off, not Friday night, unknown excluded
    assert open_ids("2026-12-24T12:00") == [1, 4]
    assert open_ids("2026-11-28T01:00") == [2, 4]  # Saturday 01:00 is inside Friday's 22:00-02:00
    assert open_ids("2026-12-25T12:00", "open_or_unknown") == [3, 4]


def walking_metric(recs: list[HavenRecord]):  # type: ignore[no-untyped-def]
    """A street-like distance: Manhattan in metres (>= straight line), some places unreachable."""
    proj = LocalProjection(ref_lat=float(np.mean([r.lat for r in recs])))
    blocked = {(round(r.lat, 6), round(r.lon, 6)) for r in recs if r.id % 11 == 0}

    def walk(lat: float, lon: float, targets: np.ndarray, *, max_m: float) -> np.ndarray:
        dx = np.abs((targets[:, 1] - lon) * proj.kx)
        dy = np.abs((targets[:, 0] - lat) * proj.ky)
        out = dx + dy
        for i, (tlat, tlon) in enumerate(targets):
            if (round(float(tlat), 6), round(float(tlon), 6)) in blocked:
                out[i] = np.inf
        out[out > max_m] = np.inf
        return out

    return walk


def test_matches_brute_force_with_walking_distances() -> None:
    recs = records(600, seed=3)
    index = HavenIndex(recs)
    walk = walking_metric(recs)
    differs_from_straight = 0
    for lat, lon, when in cases(seed=4, count=60):
        got = index.nearest(
            lat=lat, lon=lon, at=when, limit=5, open_filter="open", walk_lengths_m=walk, max_m=4_000
        )
        want = brute_force_nearest(
            recs, lat=lat, lon=lon, at=when, limit=5, open_filter="open", walk_lengths_m=walk, max_m=4_000
        )
        assert ids(got) == ids(want)
        assert all(h.record.id % 11 for h in got)  # unreachable places never appear
        straight = index.nearest(lat=lat, lon=lon, at=when, limit=5, open_filter="open", max_m=4_000)
        differs_from_straight += ids(straight) != ids(got)
    assert differs_from_straight > 0  # the walking metric really changes the order


def test_empty_index_and_limits() -> None:
    assert HavenIndex([]).nearest(lat=51.6, lon=-0.1, at=datetime(2026, 1, 5, tzinfo=LONDON), limit=5) == []
    recs = records(3, seed=5)
    got = HavenIndex(recs).nearest(
        lat=51.61, lon=-0.12, at=datetime(2026, 1, 5, 12, tzinfo=LONDON), limit=10, max_m=100_000
    )
    assert sorted(ids(got)) == [1, 2, 3]

"""One day's analysis for an area's secondary schools: homes, safer-route trees, flows, risk per window.

The backend gathers plain inputs (finish times from the finish-times domain, imported counts) and calls
`analyse` off the event loop; the planner, flow map and patrol plan all read the resulting `Analysis`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from insights.conflicts import SchoolFlow
from insights.journeys import Cohort, Segments, WindowGrid, school_flows, school_trees, segments_of
from insights.parameters import PARAMETERS, ModelParameters
from insights.population import Homes, HomeWeights, gias_pupils, imported_weights, modelled_weights
from routing.graph import FloatArray
from routing.router import Router

MAX_EARLIER_MIN = 60  # the grid leaves room for shifts this far either way
MAX_LATER_MIN = 60


@dataclass(frozen=True)
class SchoolDay:
    """One secondary school on the chosen day, as plain values."""

    urn: str
    name: str
    lat: float
    lon: float
    gias_pupils: int | None
    finishes: tuple[tuple[str, dt.datetime], ...]  # (group, local finish) from the finish-times domain
    sector_counts: Mapping[str, int] | None = None  # imported, already suppressed
    imported_on: str | None = None


@dataclass
class Analysis:
    area: str
    day: dt.date
    router: Router
    schools: list[SchoolDay]
    grid: WindowGrid
    segments: Segments
    flows: list[SchoolFlow]
    homes: list[HomeWeights]
    seg_risk: FloatArray  # (segments, windows)
    params: ModelParameters = PARAMETERS
    notes: list[str] = field(default_factory=list)

    def assumptions(self) -> list[str]:
        out = self.params.assumptions()
        if any(h.source == "modelled" for h in self.homes):
            out += self.params.modelled_assumptions()
        if any(h.source == "imported" for h in self.homes):
            out.append(
                "Imported counts are spread evenly over each postcode sector's postcodes; every imported pupil "
                f"living within {self.params.max_walk_m / 1000:g} km is assumed to walk; cells under "
                f"{self.params.suppress_below} were never stored, so those pupils are left out."
            )
        return out + self.notes

    def total_flow(self, shifts_win: Sequence[int] | None = None) -> tuple[np.ndarray, FloatArray]:
        """(segment ids, summed flow of all schools per window)."""
        from insights.conflicts import shifted

        shifts_win = shifts_win or [0] * len(self.flows)
        ids = np.unique(np.concatenate([f.segments for f in self.flows])) if self.flows else np.zeros(0, int)
        total = np.zeros((len(ids), self.grid.count))
        for f, d in zip(self.flows, shifts_win, strict=True):
            total[np.searchsorted(ids, f.segments)] += shifted(f.flow, d)
        return ids, total


def _grid(schools: Sequence[SchoolDay], params: ModelParameters) -> WindowGrid:
    times = [t for s in schools for _, t in s.finishes]
    first = min(times) - dt.timedelta(minutes=MAX_EARLIER_MIN)
    first = first.replace(
        minute=first.minute - first.minute % (params.window_s // 60), second=0, microsecond=0
    )
    last = max(times) + dt.timedelta(minutes=MAX_LATER_MIN, seconds=params.leave_spread_s + params.horizon_s)
    count = math.ceil((last - first).total_seconds() / params.window_s)
    return WindowGrid(start=first, count=count, window_s=params.window_s)


def segment_risk(router: Router, segments: Segments, grid: WindowGrid) -> FloatArray:
    """Risk per segment per window (the larger of its two directions), one risk surface per time context."""
    out = np.zeros((segments.count, grid.count))
    cache: dict[object, FloatArray] = {}
    from routing.router import context_for

    for k in range(grid.count):
        at = grid.at(k) + dt.timedelta(seconds=grid.window_s / 2)
        key = context_for(router, at)
        if key not in cache:
            risk = router.risk_for(at)
            seg = np.zeros(segments.count)
            np.maximum.at(seg, segments.of_edge, risk)
            cache[key] = seg
        out[:, k] = cache[key]
    return out


def analyse(
    router: Router,
    *,
    area: str,
    day: dt.date,
    schools: Sequence[SchoolDay],
    homes: Homes,
    params: ModelParameters = PARAMETERS,
) -> Analysis:
    """Flows of every given school (each with at least one finish time) for `day`."""
    schools = [s for s in schools if s.finishes]
    if not schools:
        raise ValueError("no school with a finish time on this day")
    grid = _grid(schools, params)
    segments = segments_of(router)
    seg_risk = segment_risk(router, segments, grid)
    nodes, _ = router.snap_many([s.lat for s in schools], [s.lon for s in schools])
    gias = {s.urn: s.gias_pupils for s in schools}
    flows: list[SchoolFlow] = []
    weights: list[HomeWeights] = []
    notes: list[str] = []
    for school, node in zip(schools, nodes, strict=True):
        first_finish = min(t for _, t in school.finishes)
        trees = school_trees(router, node=node, risk=router.risk_for(first_finish))
        if school.sector_counts:
            hw = imported_weights(
                homes, sector_counts=school.sector_counts, walk_m=trees.walk_m, n_nodes=router.graph.n_nodes,
                params=params,
            )  # fmt: skip
        else:
            pupils, note = gias_pupils(gias, school.urn)
            hw = modelled_weights(
                homes, walk_m=trees.walk_m, pupils=pupils, n_nodes=router.graph.n_nodes, params=params
            )
            if note:
                hw.notes.append(note)
                notes.append(f"{school.name}: {note}")
        share = 1.0 / len(school.finishes)
        cohorts = [Cohort(finish=t, share=share) for _, t in school.finishes]
        seg_ids, flow = school_flows(
            router, trees=trees, segments=segments, home_weight=hw.per_node, cohorts=cohorts, grid=grid,
            params=params,
        )  # fmt: skip
        flows.append(SchoolFlow(urn=school.urn, segments=seg_ids, flow=flow))
        weights.append(hw)
    if any(len(s.finishes) > 1 for s in schools):
        notes.append("Schools with staggered finishes: their pupils are split evenly between the groups.")
    return Analysis(
        area=area, day=day, router=router, schools=list(schools), grid=grid, segments=segments, flows=flows,
        homes=weights, seg_risk=seg_risk, params=params, notes=notes,
    )  # fmt: skip

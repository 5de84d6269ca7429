"""The planner's report: allowed shifts per school -> pair tables -> solution -> before/after in plain numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from insights.analysis import MAX_EARLIER_MIN, MAX_LATER_MIN, Analysis
from insights.conflicts import OBJECTIVE, pair_table, segment_conflict
from insights.patrol import street_name
from insights.planner import Problem, Solution, solve, solve_exact, solve_local
from insights.suppression import shown

DEFAULT_EARLIEST_MIN = -15
DEFAULT_LATEST_MIN = 30


class PlannerInputError(ValueError):
    """Allowed shifts that cannot be used; the message says what to change."""


@dataclass(frozen=True)
class ShiftRange:
    earliest_min: int = DEFAULT_EARLIEST_MIN
    latest_min: int = DEFAULT_LATEST_MIN
    pinned: bool = False

    def options(self, window_min: int) -> tuple[int, ...]:
        if self.pinned:
            return (0,)
        for value in (self.earliest_min, self.latest_min):
            if value % window_min:
                raise PlannerInputError(f"Shifts must be whole multiples of {window_min} minutes.")
        if not -MAX_EARLIER_MIN <= self.earliest_min <= 0 <= self.latest_min <= MAX_LATER_MIN:
            raise PlannerInputError(
                f"Shifts must run from at most {MAX_EARLIER_MIN} minutes earlier to at most "
                f"{MAX_LATER_MIN} minutes later, and include the current time."
            )
        return tuple(range(self.earliest_min // window_min, self.latest_min // window_min + 1))


def build_problem(analysis: Analysis, ranges: Mapping[str, ShiftRange]) -> Problem:
    window_min = analysis.grid.window_s // 60
    options = [ranges.get(s.urn, ShiftRange()).options(window_min) for s in analysis.schools]
    tables = []
    for a in range(len(analysis.flows)):
        for b in range(a + 1, len(analysis.flows)):
            t = pair_table(
                analysis.flows[a], analysis.flows[b], risk=analysis.seg_risk, a=a, b=b, shifts_a=options[a],
                shifts_b=options[b],
            )  # fmt: skip
            if t is not None:
                tables.append(t)
    return Problem(options=options, tables=tables, window_min=window_min)


def _hhmm(when: dt.datetime) -> str:
    return when.strftime("%H:%M")


def plan(analysis: Analysis, ranges: Mapping[str, ShiftRange], *, method: str = "auto") -> dict[str, Any]:
    """Before/after conflict, per-school changes and pupils affected, and the streets that improve most."""
    problem = build_problem(analysis, ranges)
    solution: Solution = {"exact": solve_exact, "local": solve_local}.get(method, solve)(problem)
    before = problem.score(problem.zero_choice())
    window_min = problem.window_min
    shifts_win = [s // window_min for s in solution.shifts_min]
    per_school_before = np.zeros(len(analysis.schools))
    per_school_after = np.zeros(len(analysis.schools))
    zero = problem.zero_choice()
    for t in problem.tables:
        b_cost = t.cost[zero[t.a], zero[t.b]]
        a_cost = t.cost[solution.choice[t.a], solution.choice[t.b]]
        for i in (t.a, t.b):
            per_school_before[i] += b_cost
            per_school_after[i] += a_cost
    schools = []
    for i, school in enumerate(analysis.schools):
        shift = solution.shifts_min[i]
        moved = dt.timedelta(minutes=shift)
        hw = analysis.homes[i]
        schools.append(
            {
                "urn": school.urn,
                "name": school.name,
                "pinned": ranges.get(school.urn, ShiftRange()).pinned,
                "finishes_before": [{"group": g, "time": _hhmm(t)} for g, t in school.finishes],
                "finishes_after": [{"group": g, "time": _hhmm(t + moved)} for g, t in school.finishes],
                "shift_min": shift,
                "pupils_affected": shown(hw.walking_pupils) if shift else 0,
                "walking_pupils": shown(hw.walking_pupils),
                "pupils_source": hw.source,
                "conflict_before": round(float(per_school_before[i]), 3),
                "conflict_after": round(float(per_school_after[i]), 3),
            }
        )
    segs = (
        np.unique(np.concatenate([t.segments for t in problem.tables]))
        if problem.tables
        else np.zeros(0, int)
    )
    improving: list[dict[str, Any]] = []
    if len(segs):
        seg_before = segment_conflict(
            analysis.flows, [0] * len(analysis.flows), risk=analysis.seg_risk, segments=segs
        )
        seg_after = segment_conflict(analysis.flows, shifts_win, risk=analysis.seg_risk, segments=segs)
        gain = seg_before - seg_after
        for j in np.argsort(-gain)[:10]:
            if gain[j] <= 1e-9:
                break
            edge = int(analysis.segments.first_edge[segs[j]])
            g = analysis.router.graph
            a = int(g.geom_offsets[edge])
            improving.append(
                {
                    "street": street_name(analysis, edge),
                    "lat": round(float(g.geom_lat[a]), 5),
                    "lon": round(float(g.geom_lon[a]), 5),
                    "conflict_before": round(float(seg_before[j]), 3),
                    "conflict_after": round(float(seg_after[j]), 3),
                }
            )
    reduction = 100.0 * (before - solution.score) / before if before > 0 else 0.0
    return {
        "area": analysis.area,
        "date": analysis.day.isoformat(),
        "objective": OBJECTIVE,
        "method": solution.method,
        "combinations": int(np.prod([len(o) for o in problem.options], dtype=np.float64)),
        "before": round(before, 3),
        "after": round(solution.score, 3),
        "reduction_pct": round(reduction, 1),
        "schools": schools,
        "improving_streets": improving,
        "assumptions": analysis.assumptions(),
    }

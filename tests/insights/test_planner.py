"""Where schools meet and the planner: on north-london-demo two schools' flows overlap, the planner lowers the
stated objective, exact and heuristic solvers agree, and a pinned school keeps its time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from content.areas import AreaPack
from insights.analysis import Analysis, analyse
from insights.conflicts import pair_table
from insights.planner import solve_exact, solve_local
from insights.population import Homes
from insights.staggering import PlannerInputError, ShiftRange, build_problem, plan
from routing.router import Router
from tests.insights.conftest import DAY, school_days


def test_two_schools_flows_meet(analysis: Analysis) -> None:
    urns = [s.urn for s in analysis.schools]
    a, b = (
        analysis.flows[urns.index("137745")],
        analysis.flows[urns.index("139362")],
    )  # Mulberry, St Thomas More
    table = pair_table(a, b, risk=analysis.seg_risk, a=0, b=1, shifts_a=(0,), shifts_b=(0,))
    assert table is not None and table.cost[0, 0] > 0
    # the same streets in the same windows carry pupils of both schools
    common = np.intersect1d(a.segments, b.segments)
    both = np.minimum(
        a.flow[np.searchsorted(a.segments, common)], b.flow[np.searchsorted(b.segments, common)]
    )
    assert both.max() >= 10


def test_planner_proposes_a_shift_that_lowers_the_objective(analysis: Analysis) -> None:
    report = plan(analysis, {})
    assert report["method"] == "exact"
    assert report["after"] < report["before"] and report["reduction_pct"] > 10
    moved = [s for s in report["schools"] if s["shift_min"]]
    assert moved
    for school in moved:
        assert school["finishes_after"][0]["time"] != school["finishes_before"][0]["time"]
        assert school["pupils_affected"] == school["walking_pupils"] and school["pupils_affected"] >= 10
        assert -15 <= school["shift_min"] <= 30 and school["shift_min"] % 5 == 0
    assert sum(s["conflict_after"] for s in report["schools"]) < sum(
        s["conflict_before"] for s in report["schools"]
    )
    assert report["improving_streets"] and all(
        s["conflict_after"] < s["conflict_before"] for s in report["improving_streets"]
    )
    assert any("MODELLED" in line for line in report["assumptions"])


def test_exact_and_local_search_agree(router: Router, pack: AreaPack, homes: Homes) -> None:
    small = analyse(router, area=pack.slug, day=DAY, schools=school_days(pack)[2:5], homes=homes)
    ranges = {s.urn: ShiftRange(-15, 15) for s in small.schools}
    problem = build_problem(small, ranges)
    exact, local = solve_exact(problem), solve_local(problem)
    assert exact.score == pytest.approx(local.score, rel=1e-9)
    assert exact.score < problem.score(problem.zero_choice())


def test_exact_and_local_search_agree_on_all_six(analysis: Analysis) -> None:
    problem = build_problem(analysis, {})
    assert solve_local(problem).score == pytest.approx(solve_exact(problem).score, rel=1e-6)


def test_a_pinned_school_keeps_its_time(analysis: Analysis) -> None:
    free = plan(analysis, {})
    moved = next(s["urn"] for s in free["schools"] if s["shift_min"])
    pinned = plan(analysis, {moved: ShiftRange(pinned=True)})
    row = next(s for s in pinned["schools"] if s["urn"] == moved)
    assert row["shift_min"] == 0 and row["pinned"] and row["pupils_affected"] == 0
    assert pinned["after"] >= free["after"] - 1e-9


def test_shifts_off_the_5_minute_grid_are_refused(analysis: Analysis) -> None:
    with pytest.raises(PlannerInputError):
        plan(analysis, {analysis.schools[0].urn: ShiftRange(-7, 30)})


def test_later_finish_moves_flows_later(router: Router, pack: AreaPack, homes: Homes) -> None:
    days = school_days(pack)[:1]
    early = analyse(router, area=pack.slug, day=DAY, schools=days, homes=homes)
    late_day = [
        type(days[0])(
            **{
                **days[0].__dict__,
                "finishes": (("All pupils", days[0].finishes[0][1] + dt.timedelta(minutes=20)),),
            }
        )
    ]
    late = analyse(router, area=pack.slug, day=DAY, schools=late_day, homes=homes)

    def first_busy(a: Analysis) -> dt.datetime:
        k = int(np.flatnonzero(a.flows[0].flow.sum(axis=0) > 1)[0])
        return a.grid.at(k)

    assert first_busy(late) - first_busy(early) == dt.timedelta(minutes=20)


def test_pair_tables_equal_the_objective_summed_street_by_street(analysis: Analysis) -> None:
    from insights.conflicts import segment_conflict

    a, b = analysis.flows[3], analysis.flows[5]
    table = pair_table(a, b, risk=analysis.seg_risk, a=0, b=1, shifts_a=(-3, 0, 2), shifts_b=(-1, 0, 6))
    assert table is not None
    for i, da in enumerate(table.shifts_a):
        for j, db in enumerate(table.shifts_b):
            direct = segment_conflict([a, b], [da, db], risk=analysis.seg_risk, segments=table.segments).sum()
            assert table.cost[i, j] == pytest.approx(direct, rel=1e-9)

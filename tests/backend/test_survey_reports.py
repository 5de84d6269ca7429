"""Survey reports: cells under 10 hidden, no hidden cell recoverable from the totals shown, the same numbers on
screen and in CSV, and no way to subtract one report from another."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.api.surveys import london_today
from backend.surveys.models import SurveyResponse, SurveyWindow
from backend.surveys.suppression import MIN_COUNT, recoverable, suppress
from tests.support.staff import login_as

AREA = "north-london-demo"
SCHOOLS = ("101264", "101270", "101285")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 40), min_size=cols, max_size=cols), min_size=2, max_size=6
        )
    ),
    st.booleans(),
)
def test_no_hidden_cell_can_be_worked_out_from_the_totals(counts: list[list[int]], totals: bool) -> None:
    cols = len(counts[0])
    column_totals = [sum(row[c] for row in counts) for c in range(cols)]
    table = suppress(counts, column_totals=column_totals, totals=totals)
    assert recoverable(table, len(counts), cols, totals=totals) == []
    for cell, value in table.values.items():
        if value < MIN_COUNT:
            assert table.shown(cell) is None
        else:
            assert table.shown(cell) in (None, value)


def test_one_small_cell_in_a_row_hides_a_second_one() -> None:
    table = suppress([[12, 3, 30], [20, 15, 11]], column_totals=[32, 18, 41], totals=True)
    assert (0, 1) in table.hidden  # 3: under 10
    assert (0, 0) in table.hidden  # 12: the smallest other number in its row, or 3 = 45 - 12 - 30
    assert (1, 1) in table.hidden and (1, 0) in table.hidden  # and so on down their columns
    assert table.shown((0, 3)) == 45 and table.shown((2, 3)) == 91  # totals stay as they are


async def _seed(window: SurveyWindow, months: list[str], *, seed: int = 7) -> list[SurveyResponse]:
    rng = random.Random(seed)
    rows = []
    for i in range(140):
        rows.append(
            await SurveyResponse.create(
                survey="travel-home",
                survey_version=1,
                window_id=window.id,
                month=months[i % len(months)],
                tier=rng.choice(["10-13", "14-17", "14-17", None]),
                school_urn=rng.choice([*SCHOOLS, SCHOOLS[0], None]),
                area=AREA,
                answers={
                    "feel_safe": rng.choice([1, 2, 3, 4, 4, 5, 5]),
                    "travel_with": rng.choice(["alone", "friends", "friends", "family"]),
                },
            )
        )
    return rows


def _published(report: dict[str, object]) -> list[int]:
    values: list[int] = []
    for q in report["questions"]:  # type: ignore[attr-defined]
        for row in q["rows"]:
            values += [v for v in [*row["cells"], row["total"]] if v is not None]
        values += [v for v in [*q["answered"], q["answered_total"]] if v is not None]
    return values


async def test_an_open_survey_shows_only_finished_months(client: httpx.AsyncClient) -> None:
    today = london_today()
    start = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=start, closes_on=today + dt.timedelta(days=20)
    )
    this_month = today.strftime("%Y-%m")
    await _seed(window, [start.strftime("%Y-%m"), this_month])
    await login_as(client, role="officer", areas=(AREA,))
    url = f"/api/v1/admin/surveys/windows/{window.id}/report"
    by_month = (await client.get(url, params={"area": AREA, "by": "month"})).json()
    assert this_month not in [c["key"] for c in by_month["columns"]]
    assert by_month["columns"][0]["key"] == start.strftime("%Y-%m") and by_month["totals"] is False
    feel = next(q for q in by_month["questions"] if q["id"] == "feel_safe")
    assert feel["answered"][0] == 70 and feel["answered_total"] is None
    by_school = await client.get(url, params={"area": AREA, "by": "school"})
    assert by_school.status_code == 409
    assert by_school.json()["error"]["message"].startswith(
        "Results by school are shown after the survey closes on "
    )


async def test_closed_survey_reports_agree_on_screen_in_csv_and_with_each_other(
    client: httpx.AsyncClient,
) -> None:
    today = london_today()
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=today - dt.timedelta(days=90), closes_on=today - dt.timedelta(days=1)
    )
    rows = await _seed(window, [(today - dt.timedelta(days=60)).strftime("%Y-%m")])
    await login_as(client, role="officer", areas=(AREA,))
    url = f"/api/v1/admin/surveys/windows/{window.id}/report"
    reports = {
        by: (await client.get(url, params={"area": AREA, "by": by})).json() for by in ("school", "tier")
    }
    school = reports["school"]
    assert [c["label"] for c in school["columns"]][-1] == "School not given"
    assert "Coppetts Wood Primary School" in [c["label"] for c in school["columns"]]
    feel = next(q for q in school["questions"] if q["id"] == "feel_safe")
    true_cell = sum(1 for r in rows if r.school_urn == SCHOOLS[1] and r.answers["feel_safe"] == 1)
    col = [c["key"] for c in school["columns"]].index(SCHOOLS[1])
    assert feel["rows"][0]["cells"][col] in (None, true_cell)
    if true_cell < MIN_COUNT:
        assert feel["rows"][0]["cells"][col] is None
    assert feel["answered_total"] == len(rows)
    for by, report in reports.items():
        for q in report["questions"]:
            cols = len(report["columns"])
            for r, row in enumerate(q["rows"]):
                for c, value in enumerate(row["cells"]):
                    assert value is None or value >= MIN_COUNT, (by, q["id"], r, c)
            # a total shared by two breakdowns is the same in both, so neither can unlock the other
            other = next(
                x for x in reports["tier" if by == "school" else "school"]["questions"] if x["id"] == q["id"]
            )
            assert [row["total"] for row in q["rows"]] == [row["total"] for row in other["rows"]]
            assert cols == len(q["answered"])
    hidden = sum(q["hidden_cells"] for q in school["questions"])
    assert hidden > 0  # the seeded data has small cells, so the test exercises suppression
    exported = await client.get(url, params={"area": AREA, "by": "school", "format": "csv"})
    assert exported.headers["content-disposition"].startswith('attachment; filename="travel-home-')
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0][:2] == ["Question", "Answer"] and table[0][-1] == "Total"
    numbers = sorted(int(v) for line in table[1:] for v in line[2:] if v != "hidden")
    assert numbers == sorted(_published(school))
    assert sum(v == "hidden" for line in table[1:] for v in line[2:]) == hidden


async def test_reports_are_only_for_the_officers_own_areas(client: httpx.AsyncClient) -> None:
    today = london_today()
    window = await SurveyWindow.create(survey="travel-home", opens_on=today, closes_on=today)
    await login_as(client, role="officer", areas=("southwark",))
    response = await client.get(f"/api/v1/admin/surveys/windows/{window.id}/report", params={"area": AREA})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "You are not assigned to this area."
    missing = await client.get("/api/v1/admin/surveys/windows/99999/report", params={"area": "southwark"})
    assert missing.status_code == 404


def _equations(
    report: dict[str, object], qid: str, prefix: str
) -> tuple[list[dict[str, int]], list[float], set[str]]:
    """A reader's linear equations from one question's table: every row and column sums to its total.
    Unknowns are named `prefix:r:c`; a published number is a constant."""
    q = next(x for x in report["questions"] if x["id"] == qid)  # type: ignore[attr-defined]
    cols = len(report["columns"])  # type: ignore[arg-type]
    grid = [[*row["cells"], row["total"]] for row in q["rows"]] + [[*q["answered"], q["answered_total"]]]
    names: set[str] = set()

    def term(r: int, c: int) -> tuple[str | None, int]:
        value = grid[r][c]
        if value is None:
            name = f"{prefix}:{r}:{c}" if r < len(grid) - 1 or True else ""
            names.add(name)
            return name, 0
        return None, int(value)

    equations: list[dict[str, int]] = []
    constants: list[float] = []
    lines = [[(r, c) for c in range(cols)] + [(r, cols)] for r in range(len(grid))]
    lines += [[(r, c) for r in range(len(grid) - 1)] + [(len(grid) - 1, c)] for c in range(cols + 1)]
    for line in lines:
        coeffs: dict[str, int] = {}
        constant = 0
        for i, (r, c) in enumerate(line):
            sign = -1 if i == len(line) - 1 else 1  # cells minus the line's total = 0
            name, value = term(r, c)
            if name:
                coeffs[name] = coeffs.get(name, 0) + sign
            else:
                constant -= sign * value
        if coeffs:
            equations.append(coeffs)
            constants.append(constant)
    return equations, constants, names


async def test_two_reports_together_do_not_reveal_a_hidden_cell(client: httpx.AsyncClient) -> None:
    """By school and by age share the answer totals; with both in hand, no hidden number is determined."""
    import numpy as np

    today = london_today()
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=today - dt.timedelta(days=90), closes_on=today - dt.timedelta(days=1)
    )
    await _seed(window, [(today - dt.timedelta(days=60)).strftime("%Y-%m")], seed=11)
    await login_as(client, role="officer", areas=(AREA,))
    url = f"/api/v1/admin/surveys/windows/{window.id}/report"
    school = (await client.get(url, params={"area": AREA, "by": "school"})).json()
    tier = (await client.get(url, params={"area": AREA, "by": "tier"})).json()
    checked = 0
    for qid in ("feel_safe", "travel_with"):
        eq_a, _, names_a = _equations(school, qid, "school")
        eq_b, _, names_b = _equations(tier, qid, "tier")
        names = sorted(names_a | names_b)
        if not names:
            continue
        matrix = np.array([[e.get(n, 0) for n in names] for e in eq_a + eq_b], dtype=float)
        rank = np.linalg.matrix_rank(matrix)
        for i, name in enumerate(names):
            unit = np.zeros(len(names))
            unit[i] = 1.0
            determined = np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank
            assert not determined, f"{qid}: {name} can be worked out from the two reports"
            checked += 1
    assert checked > 0


async def test_no_report_csv_or_trend_shows_a_count_from_1_to_9(client: httpx.AsyncClient) -> None:
    today = london_today()
    window = await SurveyWindow.create(
        survey="travel-home", opens_on=today - dt.timedelta(days=90), closes_on=today - dt.timedelta(days=1)
    )
    months = [(today - dt.timedelta(days=d)).strftime("%Y-%m") for d in (80, 50, 20)]
    await _seed(window, months, seed=5)
    await login_as(client, role="officer", areas=(AREA,))
    url = f"/api/v1/admin/surveys/windows/{window.id}/report"
    for by in ("month", "school", "tier"):
        report = (await client.get(url, params={"area": AREA, "by": by})).json()
        assert all(v >= MIN_COUNT for v in _published(report)), by
        exported = (await client.get(url, params={"area": AREA, "by": by, "format": "csv"})).text
        numbers = [int(v) for line in csv.reader(io.StringIO(exported)) for v in line[2:] if v.isdigit()]
        assert numbers and all(n >= MIN_COUNT for n in numbers), by

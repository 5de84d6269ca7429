"""The quarterly review: places by source with the change on the previous quarter, freshness, suppression."""

from __future__ import annotations

from pathlib import Path

import httpx
import pandas as pd

from backend.settings import ROOT
from tests.support.staff import login_as

FIXTURES = Path(__file__).parent / "fixtures"
AREA = "southwark"


async def test_review_ranks_places_flags_stale_sources_and_hides_small_counts(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    assert (await client.post("/api/v1/admin/imports/aggregates", params={"area": AREA, "source": "ambulance"},
            content=(FIXTURES / "testfixture_lsoa_counts.csv").read_bytes())).status_code == 200  # fmt: skip
    r = await client.get("/api/v1/admin/partnership/review", params={"area": AREA})
    assert r.status_code == 200, r.text
    review = r.json()
    # MPS data run to 2026-02, so the newest full quarter is 2025-Q4, compared with 2025-Q3
    assert (review["quarter"], review["previous_quarter"]) == ("2025-Q4", "2025-Q3")
    mps = next(s for s in review["sources"] if s["source"] == "mps_lsoa")["lsoas"]
    df = pd.read_csv(ROOT / "content" / "areas" / AREA / "crime_lsoa_monthly.csv", dtype={"month": str})
    top = mps[0]
    plan = df[df["minor_category"].isin(["VIOLENCE WITH INJURY", "HOMICIDE", "ROBBERY OF PERSONAL PROPERTY",
                                         "POSSESSION OF WEAPONS"]) & (df["lsoa11cd"] == top["place"])]  # fmt: skip
    assert top["count"] == round(
        plan[plan["month"].isin(["2025-10", "2025-11", "2025-12"])]["count"].sum(), 1
    )
    assert top["previous"] == round(
        plan[plan["month"].isin(["2025-07", "2025-08", "2025-09"])]["count"].sum(), 1
    )
    assert [row["count"] for row in mps] == sorted((row["count"] for row in mps), reverse=True)
    fresh = {f["source"]: f for f in review["freshness"]}
    assert fresh["policeuk_points"]["stale"] and fresh["policeuk_points"]["to"] == "2018-06"
    assert fresh["mps_lsoa"]["to"] == "2026-02" and fresh["mps_lsoa"]["stale"] == (
        fresh["mps_lsoa"]["age_months"] > 3
    )
    other = await client.get("/api/v1/admin/partnership/review", params={"area": AREA, "quarter": "2025-Q4"})
    assert other.json()["quarter"] == "2025-Q4"
    bad = await client.get("/api/v1/admin/partnership/review", params={"area": AREA, "quarter": "2025-Q5"})
    assert (
        bad.status_code == 422 and bad.json()["error"]["message"] == "Choose a quarter written like 2025-Q4."
    )


async def test_review_never_shows_a_count_under_five(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    await client.post("/api/v1/admin/imports/aggregates", params={"area": AREA, "source": "ambulance"},
                      content=(FIXTURES / "testfixture_lsoa_counts.csv").read_bytes())  # fmt: skip
    review = (
        await client.get("/api/v1/admin/partnership/review", params={"area": AREA, "quarter": "2025-Q4"})
    ).json()
    cells = next(s for s in review["sources"] if s["source"] == "ambulance_lsoa")["cells"]
    assert {(c["place"], c["count"]) for c in cells} == {("E01003932", 7), ("E01003014", None)}
    assert all(c["count"] is None or c["count"] >= 5 for c in cells)

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


def pdf_texts(data: bytes) -> list[str]:
    """The PDF opens (every cross-reference entry points at its object) and its text strings, in order."""
    import re
    import zlib

    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    assert data[start : start + 4] == b"xref"
    head = re.match(rb"xref\s+(\d+) (\d+)\s+", data[start:])
    assert head is not None
    first, count = int(head.group(1)), int(head.group(2))
    entries = re.findall(rb"(\d{10}) (\d{5}) ([nf])", data[start + head.end() :])[:count]
    for number, (offset, _gen, kind) in enumerate(entries, start=first):
        if kind == b"n":
            assert data[int(offset) :].startswith(f"{number} 0 obj".encode()), number
    texts: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for s in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.S):
            texts.append(
                s.replace(rb"\(", b"(").replace(rb"\)", b")").replace(rb"\\", b"\\").decode("latin-1")
            )
    return texts


async def test_top_streets_are_named_from_the_graph_grouped_and_compared(client: httpx.AsyncClient) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    # The real June 2018 response for ward E05011114, which covers the test street clip (Borough High Street).
    ward = ROOT.parent / "shared" / "data" / "southwark" / "policeuk_api_2018-06_raw" / "E05011114.json"
    r = await client.post("/api/v1/admin/imports/crimes", params={"area": AREA, "filename": "E05011114.json"},
                          content=ward.read_bytes(), headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 200, r.text
    review = (
        await client.get("/api/v1/admin/partnership/review", params={"area": AREA, "quarter": "2018-Q2"})
    ).json()
    points = next(s for s in review["sources"] if s["source"] == "policeuk_points")
    streets = points["streets"]
    assert streets, points
    names = [s["name"] for s in streets]
    assert len(names) == len(set(names))  # one long street is one row, not one per segment
    assert all(s["segments"] >= 1 for s in streets)
    shown = [s["count"] for s in streets if s["count"] is not None]
    assert shown == sorted(shown, reverse=True) and all(c >= 5 for c in shown)
    # Nothing was held for 2018-Q1: the previous quarter is "fewer than 5" and no change can be given.
    assert all(s["previous"] is None and s["change"] is None for s in streets)
    # Names come from the street graph, not from police.uk's "On or near ..." text.
    assert not any(n.lower().startswith("on or near") for n in names)
    assert isinstance(points["points_off_street"], int)


async def test_the_review_pdf_carries_area_quarter_dates_and_no_count_under_five(
    client: httpx.AsyncClient,
) -> None:
    await login_as(client, role="officer", areas=(AREA,), schools=())
    await client.post("/api/v1/admin/imports/aggregates", params={"area": AREA, "source": "ambulance"},
                      content=(FIXTURES / "testfixture_lsoa_counts.csv").read_bytes())  # fmt: skip
    r = await client.get("/api/v1/admin/partnership/review.pdf", params={"area": AREA, "quarter": "2025-Q4"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="quarterly-review-southwark-2025-Q4.pdf"' in r.headers["content-disposition"]
    texts = pdf_texts(r.content)
    joined = " ".join(texts)
    assert "Quarterly review: Southwark, 2025-Q4" in joined
    assert "Months 2025-10 to 2025-12, compared with 2025-Q3." in joined
    review = (
        await client.get("/api/v1/admin/partnership/review", params={"area": AREA, "quarter": "2025-Q4"})
    ).json()
    for layer in review["freshness"]:  # every source's data dates are printed
        assert layer["name"] in texts and (not layer["to"] or layer["to"] in texts)
    # The ambulance cell of 3 reads "fewer than 5" in its row; the 7 is shown.
    small = texts.index("E01003014")
    assert texts[small + 1 : small + 3] == ["assault", "fewer than 5"]
    big = texts.index("E01003932")
    assert texts[big + 1 : big + 3] == ["assault", "7"]
    bad = await client.get(
        "/api/v1/admin/partnership/review.pdf", params={"area": AREA, "quarter": "2025-Q9"}
    )
    assert bad.status_code == 422

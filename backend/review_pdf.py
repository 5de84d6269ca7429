"""The quarterly review as a PDF (fpdf2): the same tables as the console page, counts under 5 never printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fpdf import FPDF

FEWER = "fewer than 5"


def _latin(text: str) -> str:
    """The PDF core fonts are Latin-1: typographic quotes and dashes become plain ones, anything else '?'."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    plain = plain.replace("\u201c", '"').replace("\u201d", '"')
    return plain.encode("latin-1", "replace").decode("latin-1")


def _n(value: Any) -> str:
    return FEWER if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _change(value: Any) -> str:
    if value is None:
        return "not shown"
    return f"+{_n(value)}" if value > 0 else _n(value)


def _table(pdf: FPDF, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    pdf.set_font("Helvetica", "", 8)
    if not rows:
        pdf.multi_cell(0, 5, "No data for this quarter.", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(col_widths=tuple(widths), text_align="LEFT") as table:
        table.row(tuple(_latin(h) for h in header))
        for row in rows:
            table.row(tuple(_latin(v) for v in row))
    pdf.ln(2)


def _heading(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")


def review_pdf(review: dict[str, Any], *, printed_on: dt.date | None = None) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    title = f"Quarterly review: {review['area_name']}, {review['quarter']}"
    pdf.set_title(_latin(title))
    pdf.add_page()
    _heading(pdf, title, 15)
    pdf.set_font("Helvetica", "", 9)
    months = review["months"]
    pdf.multi_cell(
        0, 5,
        _latin(f"Months {months[0]} to {months[-1]}, compared with {review['previous_quarter']}. "
               f"Printed {(printed_on or dt.date.today()).isoformat()}. {review['caveat']}"),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    _heading(pdf, "Data sources and their dates")
    _table(
        pdf,
        ("Source", "From", "To", "In route risk", "Up to date?"),
        [
            (
                f["name"],
                f.get("from") or "",
                f.get("to") or "",
                "Yes" if f.get("in_use") else f"No: {f.get('not_used_because') or ''}".rstrip(": "),
                f"Out of date: {f['age_months']} months old (limit {f['max_age_months']})"
                if f["stale"]
                else "Yes",
            )
            for f in review["freshness"]
        ],
        (50, 18, 18, 60, 44),
    )
    head = ("Place", "This quarter", "Previous quarter", "Change")
    for source in review["sources"]:
        _heading(pdf, source["name"])
        if "streets" in source:
            _heading(pdf, "Streets (points on the nearest mapped street)", 9)
            _table(pdf, ("Street", "Segments", *head[1:]), [
                (r["name"], str(r["segments"]), _n(r["count"]), _n(r["previous"]), _change(r["change"]))
                for r in source["streets"]
            ], (70, 20, 34, 34, 32))  # fmt: skip
        if "lsoas" in source:
            _heading(pdf, "Neighbourhoods (LSOAs)", 9)
            _table(pdf, head, [
                (f"{r['name']} ({r['place']})" if r["name"] else r["place"], _n(r["count"]), _n(r["previous"]),
                 _change(r["change"]))
                for r in source["lsoas"]
            ], (90, 34, 34, 32))  # fmt: skip
        if "cells" in source:
            _table(pdf, ("Place", "Category", *head[1:]), [
                (c["place"] or "whole area", c["category"] or "", _n(c["count"]), _n(c.get("previous")),
                 _change(c.get("change")))
                for c in source["cells"]
            ], (56, 44, 30, 30, 30))  # fmt: skip
    _heading(pdf, "Officer hotspots still active")
    pdf.set_font("Helvetica", "", 9)
    active = review["officer_hotspots_active"]
    if not active:
        pdf.multi_cell(0, 5, "No officer hotspots are active.", new_x="LMARGIN", new_y="NEXT")
    for h in active:
        until = f"until {h['expires_at'][:10]}" if h.get("expires_at") else "no end date"
        pdf.multi_cell(0, 5, _latin(f"- {h['notes'] or 'Hotspot ' + str(h['id'])}, {until}"),
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())

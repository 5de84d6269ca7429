"""The printable quarterly summary of the performance dashboard (fpdf2): the same figures as the console page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fpdf import FPDF

NO_FIGURE = "no figure"
FEWER = "fewer than 10"


def _latin(text: str) -> str:
    """The PDF core fonts are Latin-1: typographic quotes and dashes become plain ones, anything else '?'."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return plain.encode("latin-1", "replace").decode("latin-1")


def _n(value: Any, missing: str = NO_FIGURE) -> str:
    return missing if value is None else str(value)


def _change(now: Any, before: Any) -> str:
    if now is None or before is None:
        return "-"
    diff = int(now) - int(before)
    return f"+{diff}" if diff > 0 else str(diff)


def _heading(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")


def _text(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font("Helvetica", "", 8)
    if not rows:
        _text(pdf, "No figures for this quarter.")
        return
    with pdf.table(col_widths=widths, text_align="LEFT") as table:
        table.row(tuple(_latin(h) for h in header))
        for row in rows:
            table.row(tuple(_latin(v) for v in row))
    pdf.ln(2)


def performance_pdf(dashboard: dict[str, Any], *, printed_on: dt.date | None = None) -> bytes:
    """A few pages an officer can print for the partnership's quarterly meeting."""
    printed_on = printed_on or dt.date.today()
    quarter = dashboard["quarter"]
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _heading(pdf, f"WayHome performance summary: {dashboard['area_name']}", 14)
    _text(
        pdf, f"Quarter {quarter['quarter'] or 'not available'}. Printed on {printed_on.strftime('%d %B %Y')}."
    )
    knife = dashboard["knife"]
    _heading(pdf, "Knife crime (whole boroughs)")
    _text(pdf, f"Source: {knife['source']}. Newest month published: {knife['data_as_of'] or 'none'}.")
    rows = [
        [
            r["label"],
            r["borough"],
            _n(r["count"]),
            _n(r["previous"]),
            _change(r["count"], r["previous"]),
            _n(r["year_before"]),
            _change(r["count"], r["year_before"]),
        ]
        for r in quarter["rows"]
    ]
    _table(
        pdf,
        ["Measure", "Borough", quarter["quarter"] or "", quarter["previous"] or "", "Change",
         quarter["year_before"] or "", "Change on a year"],
        rows,
        (46, 26, 20, 20, 18, 20, 30),
    )  # fmt: skip
    havens = dashboard["havens"]
    _heading(pdf, "Safe places")
    _text(
        pdf,
        f"{havens['listed']} places are listed; {havens['verified']} of them have been checked by the council. "
        f"{havens['citysafe']} are CitySafe Havens, of which {havens['citysafe_verified']} have been checked.",
    )
    _heading(pdf, "Notices to parents and young people")
    _table(
        pdf,
        ["Month", "Notices sent", "Devices reached", "Devices not reached"],
        [
            [n["month"], str(n["sent"]), _n(n["delivered"], FEWER), _n(n["not_delivered"], FEWER)]
            for n in quarter["notices"]
        ],
        (40, 40, 50, 50),
    )
    for trend in dashboard.get("surveys", []):
        _heading(pdf, f"Survey: {trend['survey']}")
        _text(pdf, f"Young people who said they feel safe (4 or 5 out of 5): {trend['question']}")
        _table(
            pdf,
            ["Month", "Feel safe"],
            [
                [m["month"], NO_FIGURE if m["feel_safe_pct"] is None else f"{m['feel_safe_pct']}%"]
                for m in trend["months"]
            ],
            (40, 60),
        )
    _text(pdf, dashboard["caveat"])
    return bytes(pdf.output())

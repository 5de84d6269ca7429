"""The patrol plan as a PDF (fpdf2): the same map, table, draft notice and assumptions as the HTML."""

from __future__ import annotations

from fpdf import FPDF

from insights.analysis import Analysis
from insights.patrol import PatrolPlan
from insights.printable import MAP_H, MAP_W, map_lines, notice_text, plan_rows
from insights.suppression import FEWER


def _latin(text: str) -> str:
    """The PDF core fonts are Latin-1: typographic quotes and dashes become plain ones, anything else '?'."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-").replace("\u2014", "-")
    return plain.encode("latin-1", "replace").decode("latin-1")


def plan_pdf(analysis: Analysis, plan: PatrolPlan, *, area_name: str) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_title(_latin(f"Patrol plan: {area_name}, {analysis.day.isoformat()}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, _latin(f"End-of-school patrol plan: {area_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0, 5,
        _latin(f"{analysis.day:%A} {analysis.day.day} {analysis.day:%B %Y}, {plan.start:%H:%M} to {plan.end:%H:%M}. "
               f"One officer, {len(plan.points)} points, a walking loop of {plan.loop_m / 1000:.1f} km."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    lines = map_lines(analysis, plan)
    width = 186.0
    k = width / MAP_W
    x0, y0 = pdf.l_margin, pdf.get_y() + 2
    pdf.set_draw_color(150, 150, 150)
    pdf.rect(x0, y0, width, MAP_H * k)
    for colour, lw, group in (((200, 200, 200), 0.2, lines.streets), ((224, 123, 0), 0.8, lines.busy),
                              ((31, 79, 191), 0.7, lines.loop)):  # fmt: skip
        pdf.set_draw_color(*colour)
        pdf.set_line_width(lw)
        for coords in group:
            pdf.polyline([(x0 + x * k, y0 + y * k) for x, y in coords])
    pdf.set_font("Helvetica", "B", 8)
    for rank, x, y in lines.points:
        pdf.set_fill_color(176, 0, 32)
        pdf.set_draw_color(255, 255, 255)
        pdf.circle(x=x0 + x * k, y=y0 + y * k, radius=2.6, style="FD")
        pdf.set_text_color(255, 255, 255)
        pdf.text(x0 + x * k - 1.0, y0 + y * k + 1.1, str(rank))
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(y0 + MAP_H * k + 2)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, _latin("Red: patrol points in visiting order. Blue: the walking loop. Orange: the streets most "
                               "pupils walk in this window. Streets (c) OpenStreetMap contributors, ODbL 1.0."),
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Patrol points", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    rows = plan_rows(analysis, plan)
    if not rows:
        pdf.multi_cell(0, 5, "No street has enough expected pupils in this window to plan a patrol.",
                       new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    else:
        with pdf.table(col_widths=(6, 44, 20, 16, 22, 20, 18, 40), text_align="LEFT") as table:
            header = ("#", "Where", "Be there", "Busiest from", "Pupils, busiest 5 min", "Pupils in window",
                      "Walk from previous", "Schools whose pupils pass")  # fmt: skip
            table.row(header)
            for r in rows:
                table.row(
                    tuple(
                        _latin(str(v)) for v in (
                            r["rank"], r["street"], f"{r['arrive']}-{r['leave']}", r["busiest_from"],
                            FEWER if r["pupils_busiest"] is None else r["pupils_busiest"],
                            FEWER if r["pupils_window"] is None else r["pupils_window"],
                            f"{r['walk_from_previous_m']} m", ", ".join(r["schools"]),
                        )
                    )
                )  # fmt: skip
    title, body = notice_text(analysis, plan)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 8, "Draft notice for families (not sent)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 9)
    pdf.multi_cell(0, 5, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin(body), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 8, "What these numbers rest on", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    for line in analysis.assumptions():
        pdf.multi_cell(0, 4, _latin("- " + line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""The printable patrol plan: a map drawn from the area's own streets, a table, the draft notice; HTML and PDF.

No tiles and no third-party requests: the map is the street graph's geometry, projected to a page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from insights.analysis import Analysis
from insights.patrol import PatrolPlan
from insights.suppression import FEWER

MAP_W, MAP_H = 720.0, 480.0
MARGIN_M = 350.0


@dataclass(frozen=True)
class MapLines:
    streets: list[list[tuple[float, float]]]
    busy: list[list[tuple[float, float]]]
    loop: list[list[tuple[float, float]]]
    points: list[tuple[int, float, float]]


def _day_text(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def map_lines(analysis: Analysis, plan: PatrolPlan) -> MapLines:
    """Page coordinates (origin top left) of the streets around the patrol points, the loop and the points."""
    g = analysis.router.graph
    lat0 = float(np.mean(g.node_lat))
    kx, ky = 111_320.0 * np.cos(np.radians(lat0)), 110_540.0
    gx, gy = g.geom_lon * kx, g.geom_lat * ky
    if plan.points:
        px = np.array([p.lon * kx for p in plan.points])
        py = np.array([p.lat * ky for p in plan.points])
    else:
        px, py = gx, gy
    x0, x1 = float(px.min()) - MARGIN_M, float(px.max()) + MARGIN_M
    y0, y1 = float(py.min()) - MARGIN_M, float(py.max()) + MARGIN_M
    scale = min(MAP_W / (x1 - x0), MAP_H / (y1 - y0))
    ox = (MAP_W - (x1 - x0) * scale) / 2
    oy = (MAP_H - (y1 - y0) * scale) / 2

    def line(edge: int) -> list[tuple[float, float]]:
        a, b = int(g.geom_offsets[edge]), int(g.geom_offsets[edge + 1])
        return [
            (round(ox + (x - x0) * scale, 1), round(MAP_H - oy - (y - y0) * scale, 1))
            for x, y in zip(gx[a:b], gy[a:b], strict=True)
        ]

    inside = np.flatnonzero(
        (gx[g.geom_offsets[:-1]] >= x0) & (gx[g.geom_offsets[:-1]] <= x1)
        & (gy[g.geom_offsets[:-1]] >= y0) & (gy[g.geom_offsets[:-1]] <= y1)
    )  # fmt: skip
    src, dst = analysis.router.sources[inside], g.indices[inside]
    inside = inside[src < dst] if len(inside) else inside  # one direction per street
    ids, total = analysis.total_flow()
    k0 = max(0, int(np.floor(analysis.grid.index(plan.start))))
    k1 = min(analysis.grid.count, int(np.ceil(analysis.grid.index(plan.end))))
    window = total[:, k0:k1].sum(axis=1) if len(ids) else np.zeros(0)
    busy_segs = ids[np.argsort(-window)[:150]] if len(ids) else ids
    busy_edges = [int(analysis.segments.first_edge[s]) for s in busy_segs]
    points = [
        (p.rank, round(ox + (p.lon * kx - x0) * scale, 1), round(MAP_H - oy - (p.lat * ky - y0) * scale, 1))
        for p in plan.points
    ]
    return MapLines(
        streets=[line(int(e)) for e in inside],
        busy=[line(e) for e in busy_edges],
        loop=[line(int(e)) for edges in plan.loop_edges for e in edges],
        points=points,
    )


def notice_text(analysis: Analysis, plan: PatrolPlan) -> tuple[str, str]:
    """Title and body of the draft patrol notice for the affected schools' families."""
    day = _day_text(analysis.day)
    title = f"Police patrols after school on {analysis.day:%A} {analysis.day.day} {analysis.day:%B}"
    if not plan.points:
        return title, f"Safer Schools officers will be patrolling routes home after school on {day}."
    streets = sorted({p.street for p in plan.points})
    where = ", ".join(streets[:-1]) + (" and " if len(streets) > 1 else "") + streets[-1]
    body = (
        f"Safer Schools officers will be patrolling routes home after school on {day}, from "
        f"{plan.points[0].arrive:%H:%M} to {plan.points[-1].leave:%H:%M}, around {where}. Please remind your "
        "child to walk home with friends along busy, lit streets, to go into a safe place if they feel unsafe, "
        "and to call 999 in an emergency."
    )
    return title, body[:1000]


def plan_rows(analysis: Analysis, plan: PatrolPlan) -> list[dict[str, Any]]:
    names = {s.urn: s.name for s in analysis.schools}
    return [
        {
            "rank": p.rank,
            "street": p.street,
            "lat": round(p.lat, 5),
            "lon": round(p.lon, 5),
            "arrive": p.arrive.strftime("%H:%M"),
            "leave": p.leave.strftime("%H:%M"),
            "busiest_from": p.busiest_from.strftime("%H:%M"),
            "pupils_busiest": p.pupils_busiest,
            "pupils_window": p.pupils_window,
            "walk_from_previous_m": round(p.walk_from_previous_m),
            "schools": [names.get(u, u) for u in p.schools],
        }
        for p in plan.points
    ]


def _n(value: int | None) -> str:
    return FEWER if value is None else f"{value:,}"


def _svg(lines: MapLines) -> str:
    def path(coords: list[tuple[float, float]]) -> str:
        return "M" + " L".join(f"{x},{y}" for x, y in coords)

    parts = [
        f'<svg class="map" viewBox="0 0 {MAP_W:g} {MAP_H:g}" role="img" aria-label="Map of the patrol points">'
    ]
    parts.append('<rect width="100%" height="100%" fill="#fff"/>')
    parts += [f'<path d="{path(c)}" class="street"/>' for c in lines.streets]
    parts += [f'<path d="{path(c)}" class="busy"/>' for c in lines.busy]
    parts += [f'<path d="{path(c)}" class="loop"/>' for c in lines.loop]
    for rank, x, y in lines.points:
        parts.append(f'<circle cx="{x}" cy="{y}" r="11" class="point"/>')
        parts.append(f'<text x="{x}" y="{y + 4}" text-anchor="middle" class="label">{rank}</text>')
    parts.append("</svg>")
    return "".join(parts)


CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; }
.map { width: 100%; max-width: 720px; border: 1px solid #999; }
.street { stroke: #c8c8c8; stroke-width: 1; fill: none; } .busy { stroke: #e07b00; stroke-width: 3; fill: none; }
.loop { stroke: #1f4fbf; stroke-width: 2.5; stroke-dasharray: 6 4; fill: none; }
.point { fill: #b00020; stroke: #fff; stroke-width: 2; } .label { fill: #fff; font: bold 12px sans-serif; }
.notice { border: 2px solid #1f4fbf; padding: 8px 12px; } .small { font-size: 12px; color: #444; }
@media print { body { margin: 10mm; } .no-print { display: none; } h2 { break-after: avoid; }
  table, .map, .notice { break-inside: avoid; } @page { size: A4; margin: 12mm; } }
"""


PRINT_SCRIPT = 'document.getElementById("print").addEventListener("click", () => window.print());'


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy() -> str:
    """The printable page's own policy: only its inline stylesheet and print script, nothing fetched."""
    return (
        f"default-src 'none'; style-src {_sha256(CSS)}; script-src {_sha256(PRINT_SCRIPT)}; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def plan_html(analysis: Analysis, plan: PatrolPlan, *, area_name: str) -> str:
    esc = html.escape
    title, body = notice_text(analysis, plan)
    rows = "".join(
        f"<tr><td>{r['rank']}</td><td>{esc(r['street'])}</td><td>{r['arrive']}-{r['leave']}</td>"
        f"<td>{r['busiest_from']}</td><td>{_n(r['pupils_busiest'])}</td><td>{_n(r['pupils_window'])}</td>"
        f"<td>{r['walk_from_previous_m']} m</td><td>{esc(', '.join(r['schools']))}</td></tr>"
        for r in plan_rows(analysis, plan)
    )
    empty = (
        "" if plan.points else "<p>No street has enough expected pupils in this window to plan a patrol.</p>"
    )
    assumptions = "".join(f"<li>{esc(a)}</li>" for a in analysis.assumptions())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Patrol plan: {esc(area_name)}, {analysis.day.isoformat()}</title>
<style>{CSS}</style></head><body>
<h1>End-of-school patrol plan: {esc(area_name)}</h1>
<p>{esc(_day_text(analysis.day))}, {plan.start:%H:%M} to {plan.end:%H:%M}. One officer, {len(plan.points)} points,
a walking loop of {plan.loop_m / 1000:.1f} km. <button class="no-print" id="print" type="button">Print</button></p>
{_svg(map_lines(analysis, plan))}
<p class="small">Red: patrol points in visiting order. Blue dashes: the walking loop. Orange: the streets most pupils
walk in this window. Streets: © OpenStreetMap contributors, ODbL 1.0.</p>
<h2>Patrol points</h2>{empty}
<table><thead><tr><th>#</th><th>Where</th><th>Be there</th><th>Busiest from</th><th>Pupils in the busiest 5 minutes</th>
<th>Pupils in the window</th><th>Walk from previous</th><th>Schools whose pupils pass</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Draft notice for families (not sent)</h2>
<div class="notice"><strong>{esc(title)}</strong><p>{esc(body)}</p></div>
<h2>What these numbers rest on</h2><ul>{assumptions}</ul>
<p class="small">Pupil numbers are expected (modelled or aggregated) numbers, never individual pupils. Risk is a
statistical summary of past police reports and officer information, not a promise of safety.</p>
<script>{PRINT_SCRIPT}</script>
</body></html>
"""

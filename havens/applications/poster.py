"""The window poster for a CitySafe Haven: the venue's name and a QR code to WayHome, as one A4 SVG.

The QR code is drawn here with segno (no image service is asked), so printing needs nothing from outside.
"""

from __future__ import annotations

import io
import textwrap
from xml.sax.saxutils import escape

import segno

WIDTH_MM, HEIGHT_MM = 210, 297


def qr_path(url: str, *, x: float, y: float, size: float) -> str:
    """An SVG <g> with the QR code for `url`, placed at (x, y) and `size` wide (quiet zone included)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", border=4, xmldecl=False, svgns=False, nl=False, omitsize=True)
    svg = out.getvalue().decode("utf-8")
    inner = svg[svg.index("<path") : svg.rindex("/>") + 2]  # segno draws the modules as one stroked path
    modules = code.symbol_size(border=4)[0]
    scale = size / modules
    return (
        f'<g transform="translate({x} {y}) scale({scale:.4f})">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>{inner}</g>'
    )


def poster_svg(*, name: str, app_url: str, change_url: str) -> str:
    lines = textwrap.wrap(name, width=22)[:3] or [""]
    title = "".join(
        f'<text x="105" y="{80 + i * 14}" font-size="12" font-weight="700" text-anchor="middle">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    qr_y = 78 + len(lines) * 14
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_MM}mm" height="{HEIGHT_MM}mm" '
        f'viewBox="0 0 {WIDTH_MM} {HEIGHT_MM}" font-family="Arial, Helvetica, sans-serif" role="img" '
        f'aria-label="{escape(name, {chr(34): "&quot;"})}: a safe place poster">'
        f'<rect width="{WIDTH_MM}" height="{HEIGHT_MM}" fill="#fff"/>'
        '<rect x="8" y="8" width="194" height="281" fill="none" stroke="#00594f" stroke-width="3"/>'
        '<text x="105" y="36" font-size="20" font-weight="700" text-anchor="middle" fill="#00594f">'
        "A safe place</text>"
        '<text x="105" y="50" font-size="7" text-anchor="middle">'
        "Young people: come in if you feel unsafe.</text>"
        '<text x="105" y="59" font-size="7" text-anchor="middle">Staff here will help you.</text>'
        f"{title}"
        f"{qr_path(app_url, x=55, y=qr_y, size=100)}"
        f'<text x="105" y="{qr_y + 108}" font-size="6" text-anchor="middle">'
        "Scan to find safe places and a safer way home with WayHome.</text>"
        f'<text x="105" y="{qr_y + 124}" font-size="12" font-weight="700" text-anchor="middle">'
        "In danger? Call 999.</text>"
        '<text x="105" y="272" font-size="4.5" text-anchor="middle">Venue staff: closed, or new hours? '
        "Tell us at</text>"
        f'<text x="105" y="279" font-size="4.5" text-anchor="middle">{escape(change_url)}</text>'
        "</svg>"
    )

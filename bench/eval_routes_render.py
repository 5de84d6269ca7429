"""The BENCHMARKS.md section of `wayhome eval routes`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from bench.eval_risk import TEST, TRAIN
from bench.eval_routes_core import MAIN_ROAD_HIGHWAYS, Row
from bench.eval_routes_tune import ALPHA_SETS, CAP_MS, CAP_PCTS, MIN_SAVINGS_PCT, RISK_CAPS, TIE_PP, Candidate
from routing.risk import DEFAULT_LSOA_MINOR_WEIGHTS
from routing.router import DetourCap, SaferChoice

HEADER = (
    "| method | trips | route changed | held-out saved, mean (95% CI) | median | school / random | "
    "mean extra length | within cap | saved per 1% extra | training-surface saved | survives |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
)


def _f(value: float, unit: str = "%", digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}{unit}"


def table_row(r: Row) -> str:
    failed = f" ({r.failed} failed)" if r.failed else ""
    return (
        f"| {r.label} | {r.trips}{failed} | {_f(r.changed_pct, '%', 0)} | {_f(r.saved_mean_pct)} "
        f"({_f(r.saved_ci_pct[0], '')}..{_f(r.saved_ci_pct[1], '')}) | {_f(r.saved_median_pct)} | "
        f"{_f(r.saved_school_pct, '')} / {_f(r.saved_random_pct, '')} | {_f(r.extra_mean_pct)} | "
        f"{_f(r.within_cap_pct, '%', 0)} | {_f(r.saved_per_extra_pct, '', 2)} | "
        f"{_f(r.train_saved_mean_pct)} | {_f(r.survives_pct, '%', 0)} |"
    )


def choice_text(safer: SaferChoice, cap: DetourCap, risk_cap: float) -> str:
    return (
        f"risk weights {'/'.join(f'{a:g}' for a in safer.alphas)}, minimum saving {safer.min_saving_pct:g}%, "
        f"detour cap {cap.max_pct:g}% or {cap.max_m:g} m (the stricter), risk cap {risk_cap:g}"
    )


def _candidate(c: Candidate) -> str:
    return (
        f"| {_f(c.extra_mean_pct)} | {_f(c.saved_mean_pct)} | {'/'.join(f'{a:g}' for a in c.safer.alphas)} | "
        f"{c.safer.min_saving_pct:g}% | {c.cap.max_pct:g}% / {c.cap.max_m:g} m | {c.risk_cap:g} |"
    )


def area_text(slug: str, res: dict[str, Any], *, max_extra_pct: float) -> list[str]:
    if isinstance(res, str):
        return [f"### {slug}", "", f"Not evaluated: {res}.", ""]
    best: Candidate = res["best"]
    chosen: Candidate = res["chosen"]
    safer, cap, risk_cap = res["defaults"]
    lines = [
        f"### {slug} ({res['nodes']:,} nodes; {res['trips']} trips, {res['school_trips']} of them school trips; "
        f"tuned on {res['tuning_trips']} other trips)",
        "",
        f"Defaults in this run: {choice_text(safer, cap, risk_cap)}.",
        "",
        *HEADER,
        *(table_row(r) for r in res["rows"]),
        "",
        "Time of day (same trips and scoring; the router applies its after-school and darkness rules):",
        "",
        *HEADER,
        *(table_row(r) for r in res["time_rows"]),
        "",
        f"Tuning: {res['candidates']:,} combinations (risk weights {len(ALPHA_SETS)} sets, minimum saving "
        f"{', '.join(f'{v:g}' for v in MIN_SAVINGS_PCT)}%, detour cap {', '.join(f'{v:g}' for v in CAP_PCTS)}% "
        f"x {', '.join(f'{v:g}' for v in CAP_MS)} m, risk cap {', '.join(f'{v:g}' for v in RISK_CAPS)}) "
        f"replayed on the tuning trips; the replay matched the real router on {res['agreement_pct']:.0f}% of "
        f"them. Best with mean extra length <= {max_extra_pct:g}%: {choice_text(best.safer, best.cap, best.risk_cap)} "
        f"({best.saved_mean_pct:.1f}% saved at {best.extra_mean_pct:.1f}% extra on the tuning trips). "
        f"Chosen (within {TIE_PP:g} points of that saving, the least walking, then the current risk cap, the "
        f"larger minimum saving, fewer weights, the smaller cap): {choice_text(chosen.safer, chosen.cap, chosen.risk_cap)} "
        f"({chosen.saved_mean_pct:.1f}% saved at {chosen.extra_mean_pct:.1f}% extra on the tuning trips). "
        "Best at each budget of mean extra length (tuning trips):",
        "",
        "| mean extra length | held-out saved | risk weights | minimum saving | detour cap | risk cap |",
        "|---|---|---|---|---|---|",
        *(_candidate(c) for c in res["frontier"]),
        "",
    ]
    if res["peer_note"]:
        lines += [res["peer_note"], ""]
    lines += reading(res)
    lines.append(f"Run time {res['seconds']:.0f} s.")
    lines.append("")
    return lines


def _find(rows: Sequence[Row], start: str) -> Row | None:
    return next((r for r in rows if r.label.startswith(start)), None)


def reading(res: dict[str, Any]) -> list[str]:
    """What the table says, in sentences built from this run's figures."""
    rows: list[Row] = res["rows"]
    ours, main = _find(rows, "WayHome safer (defaults)"), _find(rows, "stay on main roads")
    peer, before = _find(rows, "PyPI saferoute"), _find(rows, "WayHome safer (before")
    dark = _find(res["time_rows"], "WayHome safer, school day 16:45")
    if ours is None or main is None:
        return []
    out = [
        f"Reading: the safer route avoids {ours.saved_mean_pct:.1f}% of the held-out exposure of the shortest "
        f"route on average (95% interval {ours.saved_ci_pct[0]:.1f}-{ours.saved_ci_pct[1]:.1f}%; median trip "
        f"{ours.saved_median_pct:.1f}%) for {ours.extra_mean_pct:.1f}% more walking, and "
        f"{ours.survives_pct:.0f}% of the saving it shows on the training surface survives on months it never saw. "
        "That is real but small, and it is small for a structural reason: crime is published per LSOA "
        f"({res['lsoas']} LSOAs under these streets, a median {res['lsoa_street_km']:.1f} km of street each), so every street of an "
        "LSOA carries the same density, in the surface and in the score alike. A route saves only by moving into "
        "a calmer LSOA, which a 0.7-3.5 km trip can rarely do within a short detour; the difference between a "
        "busy high street and the quiet street behind it, where most of a real saving would be, is invisible at "
        f"this resolution. Beyond about {res['frontier'][-1].extra_mean_pct:.0f}% mean extra length the held-out "
        "saving stops rising (frontier above): "
        "larger risk weights chase LSOA-level noise and pay for it in length, as exposure grows with distance.",
    ]
    if before is not None:
        out.append(
            f"The defaults before this evaluation saved {before.saved_mean_pct:.1f}% for "
            f"{before.extra_mean_pct:.1f}% more walking ({before.saved_per_extra_pct:.2f} per 1% extra against "
            f"{ours.saved_per_extra_pct:.2f} now)."
        )
    out.append(
        f"Staying on main roads {'costs' if main.saved_mean_pct < 0 else 'saves'} "
        f"{abs(main.saved_mean_pct):.1f}% of held-out exposure here: violence and robbery are recorded where the "
        "town-centre main roads are. Exposure counts recorded crimes per km, not risk per pedestrian (there is "
        "no footfall denominator), so busy, watched streets are not shown to be worse for a person walking them; "
        "the score measures only how much recorded crime a route passes."
    )
    if peer is not None:
        out.append(
            f"saferoute's safest route walks {peer.extra_mean_pct:.0f}% further on average and so passes more "
            f"crime ({peer.saved_mean_pct:+.1f}%): it minimises its kernel risk without a detour cap."
        )
    if dark is not None:
        out.append(
            f"Time of day: the data do not allow an after-school score. MPS LSOA counts are monthly totals and "
            "police.uk street crimes carry a month but no time, so the held-out months cannot be cut to school days "
            "15:00-18:00; the rows above route with the after-school rules (peak weight, and lighting after dark) "
            f"and score on all-day crime. After dark the lighting rule moves routes onto lit streets "
            f"({dark.extra_mean_pct:.1f}% extra) that the all-day crime score cannot reward "
            f"({dark.saved_mean_pct:.1f}% saved)."
        )
    out += [
        "What would raise it: street-level crime points with their month for the same period (police.uk's "
        "street-level archive; the packs hold only Southwark June 2018), times of day (police command-and-control "
        "or the council's own incident logs, to score 15:00-18:00 on school days), footfall to turn counts into "
        "risk per pedestrian, and officers' hotspots, which the router already applies.",
        "",
    ]
    return [" ".join(out[:-2]), "", *out[-2:]]


def render(results: dict[str, Any], *, command: str, max_extra_pct: float, notes: Sequence[str] = ()) -> str:
    lines = [
        "## Route evaluation (held-out crime)",
        "",
        f"Reproduce: `.venv/bin/{command}` (writes this section; `--no-write` only prints, `--no-peer` skips "
        "the PyPI saferoute rows, which appear only when it is importable: it is not a project dependency). "
        f"The router's surface is built from MPS LSOA counts of {TRAIN[0]}..{TRAIN[1]} only (as `eval risk`); "
        f"each route is scored on {TEST[0]}..{TEST[1]}: exposure = sum over its streets of km x held-out crimes "
        f"per km of that street, each LSOA's count of MPS minor categories {', '.join(DEFAULT_LSOA_MINOR_WEIGHTS).lower()} (the ones the router is trained on) spread evenly over its "
        "streets. *Held-out saved* = share of the exact shortest route's exposure a route avoids, per trip "
        "(mean with a bootstrap 95% interval, median; school trips / random pairs). *Survives* = held-out "
        "saving as a share of the saving the same routes show on the training surface. *Within cap* uses the "
        "default detour cap. Trips: seeded school -> postcode of the area (0.7-3.5 km as the crow flies; the "
        "packs' Code-Point Open postcodes carry no residential flag, so every live postcode stands for a home) "
        "and random street-node pairs in the same band. *Stay on main roads*: the largest off-main-road penalty "
        f"whose route fits the cap (main roads: {', '.join(sorted(MAIN_ROAD_HIGHWAYS))}). saferoute: exact "
        "(eps 0), crimes = points sampled from the same training-month LSOA counts, its KDE bandwidth = ours; "
        "its balanced falls back to its shortest where its Pareto set has none. "
        f"Objective of the tuning: the most mean held-out exposure saved with a mean extra length of at most "
        f"{max_extra_pct:g}% over all trips, tuned on other seeded trips than those in the table.",
        "",
    ]
    for slug, res in results.items():
        lines += area_text(slug, res, max_extra_pct=max_extra_pct)
    lines += list(notes)
    return "\n".join(lines).rstrip("\n") + "\n"

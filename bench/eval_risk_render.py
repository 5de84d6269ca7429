"""The BENCHMARKS.md section of `wayhome eval risk`."""

from __future__ import annotations

from typing import Any

from bench.eval_risk import PLAN_MINOR, TEST, TRAIN
from routing.surface import SurfacePolicy


def render(results: dict[str, dict[str, Any]]) -> str:
    max_age = SurfacePolicy().max_point_age_months
    lines = [
        "## Risk surface evaluation",
        "",
        "Reproduce: `.venv/bin/python -m backend.cli eval risk [--points FILE...] [--aggregates SOURCE=FILE...]` "
        "(writes this section; `--no-write` only prints). Train MPS "
        f"LSOA counts {TRAIN[0]}..{TRAIN[1]}, test {TEST[0]}..{TEST[1]}; categories (MPS minor): "
        f"{', '.join(PLAN_MINOR).lower()}. Spearman = rank correlation of predicted vs observed crime density by "
        "LSOA; PAI = share of test crimes in the riskiest 10%/20% of the area divided by that area share (1.0 = no "
        "better than chance). Each layer is scored alone on the same held-out months, then the served combination.",
        "",
    ]
    for slug, res in results.items():
        lines += [
            f"### {slug} ({res['lsoas']} LSOAs, {res['test_crimes']} test crimes)",
            "",
            "| layer / model | Spearman | PAI 10% | PAI 20% |",
            "|---|---|---|---|",
        ]
        for label, s in res["rows"].items():
            lines.append(f"| {label} | {s['spearman']:.3f} | {s['pai10']:.2f} | {s['pai20']:.2f} |")
        lines.append("")
        if res["point_months"]:
            verdict = (
                f"older than {max_age} months, so **not in the default surface**"
                if res["points_stale"]
                else f"within {max_age} months, so in the default surface"
            )
            lines.append(
                f"police.uk points: newest month {res['point_months'][-1]}, {res['points_age_months']} months "
                f"old: {verdict} (`WAYHOME_POINT_DATA_MAX_AGE_MONTHS`)."
            )
        if res["best_points_share"] is not None:
            lines.append(
                f"Best points share on these months (PAI 20%): {res['best_points_share']:g} "
                "(0 = the LSOA layer alone)."
            )
        lines += res["aggregate_notes"]
        lines.append("")
    lines += [
        "Choice: the served MPS LSOA layer uses the plan's minor categories, each LSOA's own counts spread over its "
        "streets with no smoothing across LSOAs (smoothing scored worse everywhere) and a 12-month half-life "
        "(`RiskConfig.recency_half_life_months`). Stalking and harassment, violence without injury and business "
        "robbery are left out (see `routing/risk.py`); the previous major-category row shows what that costs or "
        "gains. Default layer weights (`routing/surface.py` DEFAULT_LAYER_WEIGHTS) come from the combination "
        "rows: MPS LSOA 0.9, police.uk points 0.1 (the best points share on PAI 20%; 0.2 and the earlier 0.4 score "
        "worse). The only point data here is one 2018 month, far weaker alone than the LSOA layer; points older "
        "than the configured age stay out of the default surface, so today the LSOA layer serves alone. When recent "
        "months are imported, `eval risk --points FILE...` scores them the same way. "
        + _aggregates_sentence(results),
        "",
    ]
    return "\n".join(lines)


def _aggregates_sentence(results: dict[str, dict[str, Any]]) -> str:
    if not any(res["aggregates_given"] for res in results.values()):
        return (
            "Aggregate layers (ISTV, ambulance, transport) are unscored here because no such data is on this "
            "machine (`eval risk --aggregates SOURCE=FILE...` scores them), and enter only where data sharing allows."
        )
    return (
        "Aggregate layers (`--aggregates`) are each built from their own training-month LSOA counts (cells under 5 "
        "included, as in the surface; no count is shown here) with the LSOA layer's recency, scored alone and "
        "beside the served layers at their default weights, and enter the surface only where data sharing allows."
    )

"""`wayhome eval risk`: does each layer of the risk surface, and their combination, predict held-out months?

Train 2024-02..2025-01, test 2025-02..2026-02 on the plan's MPS minor categories (violence with injury,
homicide, robbery of personal property, possession of weapons). Layers scored: the MPS LSOA layer (by
half-life), the previous major-category selection, the police.uk point kernel (the pack's points, or files given
with `--points`), each partnership aggregate source given with `--aggregates` (ISTV, ambulance, transport),
and the served combination. Scores per LSOA: Spearman rank correlation of predicted vs
observed density, and the Predictive Accuracy Index (share of test crimes in the riskiest 10% / 20% of area,
divided by that area share). Baselines: uniform and last-month-only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from bench.benchmarks_file import write_section
from routing.graph import FloatArray
from routing.risk import DEFAULT_LSOA_MINOR_WEIGHTS, DEFAULT_LSOA_WEIGHTS, DEFAULT_POINT_WEIGHTS, RiskConfig
from routing.surface import DEFAULT_LAYER_WEIGHTS, SurfacePolicy, month_age

if TYPE_CHECKING:
    from partnership.aggregates import Cell

CATEGORIES = ("VIOLENCE AGAINST THE PERSON", "ROBBERY", "POSSESSION OF WEAPONS")  # previous (major) selection
PLAN_MINOR = tuple(DEFAULT_LSOA_MINOR_WEIGHTS)  # the served selection (see routing/risk.py for why)
TRAIN = ("2024-02", "2025-01")
TEST = ("2025-02", "2026-02")
BANDWIDTHS_M = (0.0, 300.0, 600.0, 1200.0)
HALF_LIVES = (3.0, 6.0, 12.0, 1e9)
AGGREGATE_NAMES = {  # partnership.aggregates.SOURCES, as the table names them
    "istv": "ISTV emergency-department assaults",
    "ambulance": "ambulance assault calls",
    "transport": "TfL/BTP transport offences",
}


@dataclass(frozen=True)
class LsoaFrame:
    codes: list[str]
    area_m2: FloatArray
    xy: FloatArray  # centroids, EPSG:27700


def load_lsoas(path: Path) -> LsoaFrame:
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    features = json.loads(path.read_text())["features"]
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    geoms = [
        shapely.transform(shape(f["geometry"]), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        for f in features
    ]
    cent = np.array([[g.centroid.x, g.centroid.y] for g in geoms])
    return LsoaFrame(
        codes=[str(f["properties"]["LSOA11CD"]) for f in features],
        area_m2=np.array([g.area for g in geoms]),
        xy=cent,
    )


def counts(
    df: pd.DataFrame,
    lsoas: LsoaFrame,
    months: tuple[str, str],
    *,
    weighted: bool,
    half_life: float = 1e9,
    minor: Sequence[str] | None = None,
) -> FloatArray:
    """Counts per LSOA in `months`: the major CATEGORIES, or (with `minor`) those MPS minor categories."""
    in_months = (df["month"] >= months[0]) & (df["month"] <= months[1])
    chosen = (
        df["minor_category"].isin(list(minor)) if minor is not None else df["major_category"].isin(CATEGORIES)
    )
    sel = df[in_months & chosen]
    w = sel["count"].to_numpy(dtype=np.float64)
    if weighted and minor is not None:
        w = w * sel["minor_category"].map(dict(DEFAULT_LSOA_MINOR_WEIGHTS)).to_numpy(dtype=np.float64)
    elif weighted:
        w = w * sel["major_category"].map(dict(DEFAULT_LSOA_WEIGHTS)).to_numpy(dtype=np.float64)
    if weighted:
        w = w * _recency(sel["month"].tolist(), newest=months[1], half_life=half_life)
    return _per_lsoa(sel["lsoa11cd"].tolist(), w, lsoas)


def _recency(month_list: Sequence[str], *, newest: str, half_life: float) -> FloatArray:
    """Halving every `half_life` months back from `newest` (the newest training month)."""
    ly, lm = (int(p) for p in newest.split("-"))
    ages = np.array([(ly - int(m[:4])) * 12 + (lm - int(m[5:7])) for m in month_list], dtype=np.float64)
    return np.asarray(np.power(0.5, ages / half_life), dtype=np.float64)


def _per_lsoa(codes: Sequence[str], weights: FloatArray, lsoas: LsoaFrame) -> FloatArray:
    """Weights summed per LSOA of the frame (codes outside it are dropped, as an import drops them)."""
    by = pd.Series(weights).groupby(np.asarray(codes, dtype=object)).sum()
    return np.array([float(by.get(c, 0.0)) for c in lsoas.codes])


def aggregate_counts(
    cells: Sequence[Cell], lsoas: LsoaFrame, months: tuple[str, str], *, half_life: float
) -> FloatArray:
    """An aggregate source's LSOA cells in `months`, recency-weighted like the MPS layer. Cells under 5 count,
    as they do in the surface (they are never shown: the table gives only scores)."""
    sel = [c for c in cells if c.place_kind == "lsoa" and months[0] <= c.period <= months[1]]
    if not sel:
        return np.zeros(len(lsoas.codes))
    w = np.array([c.count for c in sel], dtype=np.float64)
    w = w * _recency([c.period for c in sel], newest=months[1], half_life=half_life)
    return _per_lsoa([c.place_code for c in sel], w, lsoas)


def smooth(values: FloatArray, lsoas: LsoaFrame, bandwidth_m: float) -> FloatArray:
    """Density per m², optionally Gaussian-smoothed between LSOA centroids (area-weighted)."""
    if bandwidth_m <= 0:
        return values / lsoas.area_m2
    d2 = np.sum((lsoas.xy[:, None, :] - lsoas.xy[None, :, :]) ** 2, axis=2)
    k = np.exp(-d2 / (2 * bandwidth_m**2))
    return np.asarray((k @ values) / (k @ lsoas.area_m2), dtype=np.float64)


def pai(pred: FloatArray, observed: FloatArray, area_m2: FloatArray, share: float) -> float:
    """Share of observed crimes in the top-`share` of area (ranked by pred) divided by that area share."""
    if np.ptp(pred) == 0:
        return 1.0  # a flat surface ranks nothing: chance by definition
    order = np.argsort(-pred, kind="stable")
    cum = np.cumsum(area_m2[order]) / area_m2.sum()
    take = order[: int(np.searchsorted(cum, share) + 1)]
    area_share = area_m2[take].sum() / area_m2.sum()
    hit = observed[take].sum() / max(observed.sum(), 1e-9)
    return float(hit / area_share)


def score(pred: FloatArray, observed: FloatArray, lsoas: LsoaFrame) -> dict[str, float]:
    dens = observed / lsoas.area_m2
    rho = float(spearmanr(pred, dens).statistic) if np.ptp(pred) > 0 else 0.0
    return {
        "spearman": rho,
        "pai10": pai(pred, observed, lsoas.area_m2, 0.10),
        "pai20": pai(pred, observed, lsoas.area_m2, 0.20),
    }


def point_kernel(points: pd.DataFrame, lsoas: LsoaFrame, *, config: RiskConfig) -> FloatArray:
    """Weighted, recency-decayed Gaussian kernel of police.uk points, read at each LSOA centroid (per m²)."""
    from pyproj import Transformer

    w = points["category"].map(dict(DEFAULT_POINT_WEIGHTS)).fillna(0.0).to_numpy(dtype=np.float64)
    keep = w > 0
    if not keep.any():
        return np.zeros(len(lsoas.codes))
    pts, w = points[keep], w[keep]
    months = pts["month"].astype(str).tolist()
    latest = max(months)
    ly, lm = int(latest[:4]), int(latest[5:7])
    ages = np.array([(ly - int(m[:4])) * 12 + (lm - int(m[5:7])) for m in months], dtype=np.float64)
    w = w * np.power(0.5, ages / config.recency_half_life_months)
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = tr.transform(pts["lon"].to_numpy(dtype=np.float64), pts["lat"].to_numpy(dtype=np.float64))
    d2 = (lsoas.xy[:, 0:1] - np.asarray(x)[None, :]) ** 2 + (lsoas.xy[:, 1:2] - np.asarray(y)[None, :]) ** 2
    bw = config.bandwidth_m
    return np.asarray(np.exp(-d2 / (2 * bw**2)) @ w / (2 * np.pi * bw**2), dtype=np.float64)


def _unit(values: FloatArray) -> FloatArray:
    mean = float(np.mean(values))
    return values / mean if mean > 0 else values


def suggested_weights(rows: dict[str, dict[str, float]], layers: dict[str, str]) -> dict[str, float]:
    """Layer weights in proportion to each layer's lift over chance (PAI 20% - 1), from the table's rows."""
    lift = {key: max(rows[label]["pai20"] - 1.0, 0.0) for key, label in layers.items() if label in rows}
    total = sum(lift.values())
    return {k: round(v / total, 2) for k, v in lift.items()} if total > 0 else {}


def _best_share(rows: dict[str, dict[str, float]]) -> float | None:
    """The points share (0 = LSOA layer alone) with the highest PAI 20% among the combination rows."""
    lsoa = next((v for k, v in rows.items() if "half-life 12 mo" in k), None)
    best: tuple[float, float] | None = (lsoa["pai20"], 0.0) if lsoa else None
    for label, s in rows.items():
        if label.startswith("combination "):
            share = float(label.split(" + ")[1].split(" ")[0])
            if best is None or s["pai20"] > best[0] + 1e-9:
                best = (s["pai20"], share)
    return None if best is None or not any(k.startswith("combination ") for k in rows) else best[1]


def _span(months: Sequence[str]) -> str:
    return months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"


def _score_aggregates(
    aggregates: Mapping[str, Sequence[Cell]],
    lsoas: LsoaFrame,
    observed: FloatArray,
    *,
    served: Sequence[tuple[str, float, FloatArray]],
    half_life: float,
) -> tuple[dict[str, dict[str, float]], dict[str, str], list[str]]:
    """Each aggregate source alone (its training-month LSOA cells), then beside the served layers at the default
    weights (each source, and all of them together). Returns rows, layer key -> row label, and a note for each
    source with nothing to score in this area."""
    from partnership.aggregates import LAYER_OF_SOURCE

    inside = set(lsoas.codes)
    rows: dict[str, dict[str, float]] = {}
    layers: dict[str, str] = {}
    notes: list[str] = []
    scored: list[tuple[str, float, FloatArray]] = []
    for source, cells in aggregates.items():
        name = AGGREGATE_NAMES[source]
        months = sorted(
            {
                c.period
                for c in cells
                if c.place_kind == "lsoa" and c.place_code in inside and TRAIN[0] <= c.period <= TRAIN[1]
            }
        )
        if not months:
            notes.append(
                f"{name}: no counts for this area's LSOAs in the training months {TRAIN[0]}..{TRAIN[1]}, so "
                "not scored (station and place counts are not on streets)."
            )
            continue
        pred = smooth(aggregate_counts(cells, lsoas, TRAIN, half_life=half_life), lsoas, 0.0)
        label = f"{name} by LSOA ({_span(months)}, half-life {half_life:g} mo)"
        rows[label] = score(pred, observed, lsoas)
        layers[LAYER_OF_SOURCE[source]] = label
        scored.append((name, DEFAULT_LAYER_WEIGHTS[LAYER_OF_SOURCE[source]], _unit(pred)))
    base = " + ".join(f"{name} {w:g}" for name, w, _ in served)
    for combo in [[one] for one in scored] + ([scored] if len(scored) > 1 else []):
        parts = [*served, *combo]
        mix = sum((w * v for _, w, v in parts), np.zeros(len(lsoas.codes))) / sum(w for _, w, _ in parts)
        label = f"served layers ({base}) + {' + '.join(f'{n} {w:g}' for n, w, _ in combo)} (default weights)"
        rows[label] = score(mix, observed, lsoas)
    return rows, layers, notes


def evaluate_area(
    area_dir: Path,
    *,
    points: pd.DataFrame | None = None,
    aggregates: Mapping[str, Sequence[Cell]] | None = None,
    today: str | None = None,
) -> dict[str, Any]:
    """Every layer and the combination scored on the held-out months (plan categories); `aggregates` are the
    cells of each partnership source (partnership.aggregates.parse_source), keyed by source."""
    lsoas = load_lsoas(area_dir / "lsoa.geojson")
    df = pd.read_csv(area_dir / "crime_lsoa_monthly.csv", dtype={"month": str})
    observed = counts(df, lsoas, TEST, weighted=False, minor=PLAN_MINOR)
    config = RiskConfig()
    rows: dict[str, dict[str, float]] = {
        "uniform": score(np.ones(len(lsoas.codes)), observed, lsoas),
        f"last month only ({TRAIN[1]})": score(
            counts(df, lsoas, (TRAIN[1], TRAIN[1]), weighted=False, minor=PLAN_MINOR) / lsoas.area_m2,
            observed,
            lsoas,
        ),
    }
    lsoa_label = ""
    for hl in HALF_LIVES:
        train = counts(df, lsoas, TRAIN, weighted=True, half_life=hl, minor=PLAN_MINOR)
        label = f"MPS LSOA layer, plan categories, half-life {'none' if hl > 1e8 else f'{hl:g} mo'}"
        rows[label] = score(smooth(train, lsoas, 0.0), observed, lsoas)
        if hl == config.recency_half_life_months:
            lsoa_label, lsoa_pred = label, smooth(train, lsoas, 0.0)
    for bw in BANDWIDTHS_M[1:]:
        train = counts(
            df, lsoas, TRAIN, weighted=True, half_life=config.recency_half_life_months, minor=PLAN_MINOR
        )
        rows[f"MPS LSOA layer, plan categories, smoothed {bw:g} m between LSOAs"] = score(
            smooth(train, lsoas, bw), observed, lsoas
        )
    previous = counts(df, lsoas, TRAIN, weighted=True, half_life=config.recency_half_life_months)
    rows["MPS LSOA layer, previous major categories (incl. stalking, harassment)"] = score(
        smooth(previous, lsoas, 0.0), observed, lsoas
    )
    if points is None and (area_dir / "street_crimes.csv").exists():
        points = pd.read_csv(area_dir / "street_crimes.csv", dtype={"month": str})
    layers = {"mps_lsoa": lsoa_label}
    point_months: list[str] = []
    kernel: FloatArray | None = None
    if points is not None and not points.empty:
        point_months = sorted(points["month"].astype(str).unique())
        kernel = point_kernel(points, lsoas, config=config)
        point_label = f"police.uk point kernel ({_span(point_months)}, {config.bandwidth_m:g} m)"
        rows[point_label] = score(kernel, observed, lsoas)
        layers["policeuk_points"] = point_label
        served = DEFAULT_LAYER_WEIGHTS["policeuk_points"] / (
            DEFAULT_LAYER_WEIGHTS["mps_lsoa"] + DEFAULT_LAYER_WEIGHTS["policeuk_points"]
        )
        for share in sorted({0.1, 0.2, round(served, 2)}):
            label = f"combination {1 - share:g} LSOA + {share:g} points" + (
                " (served share)" if abs(share - served) < 1e-9 else ""
            )
            rows[label] = score((1 - share) * _unit(lsoa_pred) + share * _unit(kernel), observed, lsoas)
    policy = SurfacePolicy()
    now = dt.date.fromisoformat(today) if today else dt.datetime.now(dt.UTC).date()
    stale = bool(point_months) and month_age(point_months[-1], today=now) > policy.max_point_age_months
    serving = [("MPS LSOA", DEFAULT_LAYER_WEIGHTS["mps_lsoa"], _unit(lsoa_pred))]
    if kernel is not None and not stale:  # the points serve only when recent enough
        serving.append(("police.uk points", DEFAULT_LAYER_WEIGHTS["policeuk_points"], _unit(kernel)))
    agg_rows, agg_layers, agg_notes = _score_aggregates(
        aggregates or {}, lsoas, observed, served=serving, half_life=config.recency_half_life_months
    )
    rows.update(agg_rows)
    layers.update(agg_layers)
    return {
        "lsoas": len(lsoas.codes),
        "test_crimes": int(observed.sum()),
        "rows": rows,
        "point_months": point_months,
        "points_stale": stale,
        "points_age_months": month_age(point_months[-1], today=now) if point_months else None,
        "suggested_weights": suggested_weights(rows, layers),
        "best_points_share": _best_share(rows),
        "aggregates_given": bool(aggregates),
        "aggregate_notes": agg_notes,
    }


def main(
    argv: Sequence[str] = (),
    *,
    points: pd.DataFrame | None = None,
    aggregates: Mapping[str, Sequence[Cell]] | None = None,
    write: bool = True,
) -> int:
    """Score every area (or those named); `points` (month, category, lat, lon) replace the packs' points and
    `aggregates` (cells by source) add a layer per source; `write=False` leaves BENCHMARKS.md alone."""
    root = Path(__file__).resolve().parents[1]
    areas_dir = root / "content" / "areas"
    slugs = list(argv) or sorted(p.name for p in areas_dir.iterdir() if (p / "lsoa.geojson").exists())
    results = {slug: evaluate_area(areas_dir / slug, points=points, aggregates=aggregates) for slug in slugs}
    from bench.eval_risk_render import render

    text = render(results)
    print(text)
    if write:
        write_section(root / "BENCHMARKS.md", "Risk surface evaluation", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

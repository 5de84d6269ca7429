"""Rebuild the area data packs in content/areas/<slug>/ from the open data in ../shared/data/.

Run: `python scripts/build_area_packs.py [--source ../shared/data] [--only SLUG]`.
The output is deterministic (sorted rows, fixed precision), so a rerun on the same sources changes nothing.
The packs are committed; the service never reads ../shared/data at run time.
"""

from __future__ import annotations

import argparse
import bz2
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
AREAS_DIR = ROOT / "content" / "areas"
CRIME_MONTHS = [f"{y}{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
KNIFE_TYPES = ("Knife Crime", "Knife Crime with Injury", "Knife Injury Victims (1-24)")


@dataclass(frozen=True)
class AreaSpec:
    slug: str
    name: str
    description: str
    osm_files: tuple[str, ...]
    coverage: str
    street_crimes: bool
    safe_places: bool
    borough_code: str | None = None
    extra_sources: tuple[dict[str, str], ...] = field(default=())


AREAS = (
    AreaSpec(
        slug="southwark",
        name="Southwark",
        description="London Borough of Southwark (E09000028). Streets: two small OpenStreetMap clips until "
        "`wayhome data streets southwark` fetches the borough's walking network.",
        borough_code="E09000028",
        osm_files=("southwark_st-georges-circus_2024-03.osm", "southwark_borough-high-street_2024-03.osm"),
        coverage="partial",
        street_crimes=True,
        safe_places=True,
    ),
    AreaSpec(
        slug="north-london-demo",
        name="Wood Green and Bounds Green (demo)",
        description="A real North London area (parts of Haringey, Barnet and Enfield) with a complete offline "
        "OpenStreetMap street network, used for the offline first run, tests and benchmarks.",
        osm_files=("wood-green_2026-07.osm",),
        coverage="full",
        street_crimes=False,
        safe_places=False,
    ),
)

SOURCES = {
    "osm": {
        "name": "OpenStreetMap",
        "licence": "ODbL 1.0",
        "attribution": "© OpenStreetMap contributors, ODbL 1.0",
    },
    "postcodes": {
        "name": "OS Code-Point Open 2025.2.0",
        "licence": "OGL v3",
        "date": "2025-04",
        "attribution": "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © Royal "
        "Mail copyright and database right 2025; Contains National Statistics data © Crown copyright and database "
        "right 2025",
    },
    "boundaries": {
        "name": "ONS / GLA statistical GIS boundaries (boroughs, LSOA 2011)",
        "licence": "OGL v3",
        "attribution": "Contains National Statistics data © Crown copyright and database right; Contains OS data © "
        "Crown copyright and database right",
    },
    "crime": {
        "name": "Metropolitan Police recorded crime by LSOA and monthly crime dashboard (London Datastore)",
        "licence": "OGL v2",
        "date": "2026-02",
        "attribution": "Metropolitan Police Service, Open Government Licence",
    },
    "policeuk": {
        "name": "police.uk street-level crimes, June 2018",
        "licence": "OGL v3",
        "date": "2018-06",
        "attribution": "police.uk, Open Government Licence v3",
    },
    "schools": {
        "name": "Get Information About Schools (DfE)",
        "licence": "OGL v3",
        "attribution": "Department for Education, Get Information About Schools, Open Government Licence v3",
    },
    "libraries": {
        "name": "Arts Council England public library data 2022 (LibrariesHacked)",
        "licence": "Open data; compilation MIT",
        "date": "2022",
        "attribution": "Arts Council England public library data 2022, compiled by LibrariesHacked (MIT)",
    },
    "safe_places": {
        "name": "Public safe places seed compiled from public web pages (re-verify before publishing)",
        "licence": "facts from public pages",
        "date": "2026-11-25",
        "attribution": "Compiled by WayHome from the public pages named in each row",
    },
}


def normalise_postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def osm_bounds(path: Path) -> tuple[BaseGeometry, str]:
    """The extract's node extent and its Overpass timestamp (the extracts carry no <bounds> element)."""
    text = path.read_text(encoding="utf-8")
    lats = [float(v) for v in re.findall(r'\blat="([-0-9.]+)"', text)]
    lons = [float(v) for v in re.findall(r'\blon="([-0-9.]+)"', text)]
    stamp = re.search(r'osm_base="([0-9-]{10})', text)
    return box(min(lons), min(lats), max(lons), max(lats)), stamp.group(1) if stamp else ""


def street_index(paths: list[Path]) -> pd.DataFrame:
    """One row per named street: a middle node of its ways, for geocoding 'street' searches offline."""
    import xml.etree.ElementTree as ET

    nodes: dict[str, tuple[float, float]] = {}
    members: dict[str, list[str]] = {}
    for path in paths:
        for _, elem in ET.iterparse(path, events=("end",)):  # noqa: S314 - our own OSM extracts
            if elem.tag == "node":
                nodes[elem.attrib["id"]] = (float(elem.attrib["lat"]), float(elem.attrib["lon"]))
            elif elem.tag == "way":
                tags = {t.attrib["k"]: t.attrib["v"] for t in elem.findall("tag")}
                name = tags.get("name")
                if (
                    name
                    and "highway" in tags
                    and tags["highway"] not in ("motorway", "motorway_link", "proposed")
                ):
                    members.setdefault(name, []).extend(nd.attrib["ref"] for nd in elem.findall("nd"))
                elem.clear()
    rows = []
    for name, refs in members.items():
        points = sorted(nodes[r] for r in refs if r in nodes)
        if points:
            lat, lon = points[len(points) // 2]
            rows.append((name, lat, lon))
    return pd.DataFrame(sorted(rows), columns=["name", "lat", "lon"])


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.6f", lineterminator="\n")


def inside(df: pd.DataFrame, geom: BaseGeometry) -> pd.Series:
    points = shapely.points(df["lon"].to_numpy(), df["lat"].to_numpy())
    shapely.prepare(geom)
    return pd.Series(shapely.contains(geom, points), index=df.index)


def build_area(spec: AreaSpec, source: Path) -> None:
    out = AREAS_DIR / spec.slug
    (out / "streets").mkdir(parents=True, exist_ok=True)
    london = source / "london"
    boroughs = json.loads((london / "boroughs.geojson").read_text())
    osm_dates = []
    if spec.borough_code:
        feature = next(f for f in boroughs["features"] if f["properties"]["GSS_CODE"] == spec.borough_code)
        boundary = shape(feature["geometry"])
        for name in spec.osm_files:
            osm_dates.append(osm_bounds(source / "osm" / name)[1])
    else:
        boxes = [osm_bounds(source / "osm" / name) for name in spec.osm_files]
        boundary = shapely.union_all([b for b, _ in boxes])
        osm_dates = [d for _, d in boxes]
    boundary = shapely.set_precision(boundary, 1e-6)
    touched = sorted(
        (f["properties"]["GSS_CODE"], f["properties"]["NAME"])
        for f in boroughs["features"]
        if shape(f["geometry"]).intersects(boundary)
    )
    (out / "boundary.geojson").write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"slug": spec.slug, "name": spec.name},
                "geometry": mapping(boundary),
            },
            sort_keys=True,
        )
        + "\n"
    )

    # Postcodes with their LSOA (2011).
    pcs = pd.read_csv(london / "postcodes.csv", usecols=["postcode", "lat", "lon"])
    minx, miny, maxx, maxy = boundary.bounds
    pcs = pcs[(pcs.lon >= minx) & (pcs.lon <= maxx) & (pcs.lat >= miny) & (pcs.lat <= maxy)]
    pcs = pcs[inside(pcs, boundary)]
    lookup = pd.read_csv(london / "postcode_lsoa.csv", usecols=["pcds", "lsoa11cd"]).rename(
        columns={"pcds": "postcode"}
    )
    pcs = pcs.merge(lookup, on="postcode", how="left").sort_values("postcode")
    write_csv(pcs[["postcode", "lat", "lon", "lsoa11cd"]], out / "postcodes.csv")

    # Schools.
    schools = pd.read_csv(london / "schools.csv", dtype={"urn": str}).dropna(subset=["lat", "lon"])
    schools = schools[inside(schools, boundary)].rename(
        columns={"school_name": "name", "school_type": "type", "website_url": "website"}
    )
    schools = schools.sort_values("urn")
    write_csv(
        schools[["urn", "name", "phase", "type", "gender", "postcode", "lat", "lon", "website"]],
        out / "schools.csv",
    )
    # GIAS pupil numbers, a file of their own (insights: school sizes for the modelled pupil flows).
    pupils = schools.dropna(subset=["pupil_count"]).assign(pupil_count=lambda d: d["pupil_count"].astype(int))
    write_csv(pupils[["urn", "pupil_count"]], out / "school_pupils.csv")

    # LSOA polygons touching the area.
    lsoas = json.loads((london / "lsoa2011.geojson").read_text())
    kept = []
    for f in lsoas["features"]:
        geom = shape(f["geometry"])
        if geom.intersects(boundary):
            props = {k: f["properties"][k] for k in ("LSOA11CD", "LSOA11NM")}
            kept.append(
                {
                    "type": "Feature",
                    "properties": props,
                    "geometry": mapping(shapely.set_precision(geom, 1e-6)),
                }
            )
    kept.sort(key=lambda f: f["properties"]["LSOA11CD"])
    (out / "lsoa.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": kept}) + "\n")
    lsoa_names = {f["properties"]["LSOA11CD"]: f["properties"]["LSOA11NM"] for f in kept}

    # Monthly crime by LSOA, long format, 2021 codes mapped to 2011.
    crime = pd.read_parquet(london / "crime_lsoa_monthly.parquet")
    months = [c for c in crime.columns if c in CRIME_MONTHS]
    stems: dict[str, list[str]] = {}
    for code, name in lsoa_names.items():
        stems.setdefault(name[:-1], []).append(code)
    rows = []
    for rec in crime[crime.lsoa_code.isin(lsoa_names) | crime.lsoa_name.str[:-1].isin(stems)].itertuples():
        targets = [rec.lsoa_code] if rec.lsoa_code in lsoa_names else sorted(stems[rec.lsoa_name[:-1]])
        for month in months:
            count = crime.at[rec.Index, month]
            if count:
                for t in targets:
                    rows.append(
                        (
                            t,
                            rec.major_category,
                            rec.minor_category,
                            f"{month[:4]}-{month[4:]}",
                            round(float(count) / len(targets), 4),
                        )
                    )
    long = pd.DataFrame(rows, columns=["lsoa11cd", "major_category", "minor_category", "month", "count"])
    long = long.groupby(["lsoa11cd", "major_category", "minor_category", "month"], as_index=False)[
        "count"
    ].sum()
    write_csv(
        long.sort_values(["lsoa11cd", "major_category", "minor_category", "month"]),
        out / "crime_lsoa_monthly.csv",
    )

    # Knife crime dashboard for the boroughs the area touches.
    dash = pd.read_parquet(london / "crime_dashboard_monthly.parquet")
    names = {n for _, n in touched}
    dash = dash[dash.borough_snt.isin(names) & dash.crime_type.isin(KNIFE_TYPES)].copy()
    dash["month"] = pd.to_datetime(dash.month_year).dt.strftime("%Y-%m")
    dash = dash[
        ["month", "area_type", "area_code", "area_name", "crime_type", "crime_subtype", "measure", "count"]
    ]
    write_csv(dash.sort_values(list(dash.columns)), out / "knife_crime_monthly.csv")

    # police.uk street crimes (Southwark only).
    cols = ["month", "category", "lat", "lon", "location"]
    if spec.street_crimes:
        sc = pd.read_csv(source / "southwark" / "policeuk_street_crimes_2018-06.csv")
        sc = sc.rename(columns={"latitude": "lat", "longitude": "lon"})[cols]
        sc = sc.sort_values(cols)
    else:
        sc = pd.DataFrame(columns=cols)
    write_csv(sc, out / "street_crimes.csv")

    # Libraries (open ones) and the public safe places seed.
    libs = pd.read_csv(london / "libraries.csv").dropna(subset=["lat", "lon"])
    libs = libs[libs["Year closed"].isna()]
    libs = libs[inside(libs, boundary)]
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    libs = libs.rename(columns={f"{d.title()} staffed hours": d for d in days})
    libs["address"] = (
        libs[["Address 1", "Address 2", "Address 3"]]
        .fillna("")
        .agg(lambda parts: ", ".join(p for p in parts if p), axis=1)
    )
    libs = libs.rename(
        columns={"Library name": "name", "Postcode": "postcode", "URL": "url", "Local authority": "authority"}
    )
    write_csv(
        libs[["name", "authority", "address", "postcode", "lat", "lon", *days, "url"]].sort_values("name"),
        out / "libraries.csv",
    )
    if spec.safe_places:
        shutil.copyfile(source / "southwark" / "safe_places_seed.csv", out / "safe_places.csv")

    # Streets: the OSM extracts, bz2-compressed (osmnx reads .osm.bz2 directly).
    osm_rel = []
    for name in spec.osm_files:
        target = out / "streets" / f"{name}.bz2"
        data = (source / "osm" / name).read_bytes()
        if not target.exists() or bz2.decompress(target.read_bytes()) != data:
            target.write_bytes(bz2.compress(data, 9))
        osm_rel.append(f"streets/{target.name}")

    write_csv(street_index([source / "osm" / n for n in spec.osm_files]), out / "street_names.csv")

    used = ["osm", "postcodes", "boundaries", "crime", "schools", "libraries"]
    if spec.street_crimes:
        used.append("policeuk")
    if spec.safe_places:
        used.append("safe_places")
    sources = [{"key": k, **SOURCES[k]} for k in used]
    sources[0] = {**sources[0], "date": max(osm_dates)}
    manifest = {
        "slug": spec.slug,
        "name": spec.name,
        "description": spec.description,
        "bbox": [round(v, 6) for v in boundary.bounds],
        "boroughs": [{"code": c, "name": n} for c, n in touched],
        "data_as_of": {"streets": max(osm_dates), "crime": "2026-02", "postcodes": "2025-04"},
        "streets": {"coverage": spec.coverage, "osm_files": osm_rel, "buffer_m": 500},
        "counts": {
            "schools": len(schools),
            "postcodes": len(pcs),
            "lsoas": len(kept),
            "libraries": len(libs),
            "street_crimes": len(sc),
        },
        "sources": sources,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    lines = [
        f"# Data attribution: {spec.name}",
        "",
        "This data pack is derived from open data by `scripts/build_area_packs.py`.",
        "",
    ]
    lines += [f"- **{s['name']}** ({s['licence']}): {s['attribution']}" for s in sources]
    (out / "ATTRIBUTION.md").write_text("\n".join(lines) + "\n")
    print(f"{spec.slug}: {manifest['counts']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", help="build one area slug")
    args = parser.parse_args()
    for spec in AREAS:
        if args.only in (None, spec.slug):
            build_area(spec, args.source)


if __name__ == "__main__":
    main()

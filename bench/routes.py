"""`wayhome bench routes`: route query speed vs the plain osmnx pipeline, HTTP latency, hotspot update, load, RSS.

Everything is measured in one run on this machine; ratios are against the baseline measured in the same run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench.benchmarks_file import write_section
from bench.routes_peer import peer_rows
from routing.build import AreaSources, build_area
from routing.graph import StreetGraph, to_networkx
from routing.risk import Hotspot
from routing.router import SAFER_ALPHAS, DetourCap, Router

ROOT = Path(__file__).resolve().parents[1]
AT = dt.datetime(2026, 11, 26, 16, 0, tzinfo=ZoneInfo("Europe/London"))


def synthetic_graph(side: int = 224, seed: int = 7) -> tuple[StreetGraph, np.ndarray]:
    """Perturbed street grid (~50k nodes, Southwark-sized) with 8% of blocks missing, plus a smooth risk field."""
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(side) * 80.0, np.arange(side) * 80.0)
    x = 530000 + xs.ravel() + rng.normal(0, 12, side * side)
    y = 175000 + ys.ravel() + rng.normal(0, 12, side * side)
    pairs = []
    for i in range(side * side):
        r, c = divmod(i, side)
        if c + 1 < side and rng.random() > 0.08:
            pairs += [(i, i + 1), (i + 1, i)]
        if r + 1 < side and rng.random() > 0.08:
            pairs += [(i, i + side), (i + side, i)]
    pairs.sort()
    src = np.array([p[0] for p in pairs])
    dst = np.array([p[1] for p in pairs], dtype=np.int32)
    length = np.hypot(x[src] - x[dst], y[src] - y[dst]) * rng.uniform(1.0, 1.15, len(pairs))
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(x, y)
    m = len(pairs)
    geom_lat = np.column_stack([lat[src], lat[dst]]).ravel()
    geom_lon = np.column_stack([lon[src], lon[dst]]).ravel()
    graph = StreetGraph(
        node_x=x,
        node_y=y,
        node_lat=np.asarray(lat),
        node_lon=np.asarray(lon),
        indptr=np.concatenate([[0], np.cumsum(np.bincount(src, minlength=side * side))]).astype(np.int64),
        indices=dst,
        length_m=length,
        geom_offsets=np.arange(0, 2 * m + 1, 2, dtype=np.int64),
        geom_lat=geom_lat,
        geom_lon=geom_lon,
        name_idx=np.full(m, -1, dtype=np.int32),
        names=(),
        lit=np.zeros(m, dtype=np.int8),
        highway_idx=np.zeros(m, dtype=np.int32),
        highways=("residential",),
    )
    mx, my = graph.edge_xy_midpoints()
    field = 1 + np.sin(mx / 900.0) * np.cos(my / 700.0) + rng.gamma(0.5, 0.5, m)
    return graph, np.clip(field / field.mean(), 0, 6)


def _pct(values: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray(values) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def _time(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def osmnx_pipeline(router: Router) -> Callable[[float, float, float, float], None]:
    """The plain osmnx way: a projected MultiDiGraph, nearest_nodes and shortest_path per query.

    Same work as one of our queries: the shortest route and the two risk weights our search probes.
    """
    import networkx as nx
    import osmnx as ox

    g = router.graph
    probes = SAFER_ALPHAS[len(SAFER_ALPHAS) // 2 :][:2]
    weights = {f"safe{i}": g.length_m * (1 + a * router.base_risk) for i, a in enumerate(probes)}
    di = to_networkx(g)
    mg = nx.MultiDiGraph(crs="EPSG:27700")
    for n in range(g.n_nodes):
        mg.add_node(n, x=float(g.node_x[n]), y=float(g.node_y[n]))
    for u, v in di.edges():
        e = g.find_edge(u, v)
        mg.add_edge(u, v, length=float(g.length_m[e]), **{k: float(w[e]) for k, w in weights.items()})

    def run(fx: float, fy: float, tx: float, ty: float) -> None:
        a = ox.distance.nearest_nodes(mg, fx, fy)
        b = ox.distance.nearest_nodes(mg, tx, ty)
        for weight in ("length", *weights):
            ox.routing.shortest_path(mg, a, b, weight=weight)

    return run


def bench_queries(
    router: Router, *, label: str, n: int, n_base: int, rows: list[str]
) -> tuple[np.ndarray, float]:
    """Adds the rows; returns the random node pairs and the baseline p50 (ms) for peer rows."""
    g = router.graph
    rng = np.random.default_rng(11)
    pairs = rng.integers(0, g.n_nodes, (n, 2))
    ll = [(g.node_lat[a], g.node_lon[a], g.node_lat[b], g.node_lon[b]) for a, b in pairs]
    router.routes(from_lat=ll[0][0], from_lon=ll[0][1], to_lat=ll[0][2], to_lon=ll[0][3], at=AT)  # warm
    t = time.perf_counter()
    router.prefetch(
        at=AT, wait=True
    )  # landmark tables of this time context (built in the background in serve)
    rows.append(
        f"| {label}: landmark tables for one time context (once per context) | {(time.perf_counter() - t) * 1000:.0f} | | |"
    )
    it = iter(ll)
    ours = _time(
        lambda: router.routes(
            **dict(zip(("from_lat", "from_lon", "to_lat", "to_lon"), next(it), strict=True)), at=AT
        ),
        n,
    )
    schools = rng.integers(0, g.n_nodes, 8)
    homes = rng.integers(0, g.n_nodes, n)
    sh = [(schools[i % 8], homes[i]) for i in range(n)]
    for _ in range(2):  # trees per school are built once per weight snapshot (schools are fixed origins)
        for s in schools:
            for h in homes[:4]:
                router.routes(
                    from_lat=g.node_lat[s],
                    from_lon=g.node_lon[s],
                    to_lat=g.node_lat[h],
                    to_lon=g.node_lon[h],
                    at=AT,
                    fixed_origin=True,
                )
        router.wait_for_trees()
    it2 = iter(sh)

    def school_query() -> None:
        s, h = next(it2)
        router.routes(
            from_lat=g.node_lat[s],
            from_lon=g.node_lon[s],
            to_lat=g.node_lat[h],
            to_lon=g.node_lon[h],
            at=AT,
            fixed_origin=True,
        )

    school = _time(school_query, n)
    base_run = osmnx_pipeline(router)
    xy = [(g.node_x[a], g.node_y[a], g.node_x[b], g.node_y[b]) for a, b in pairs[:n_base]]
    it3 = iter(xy)
    base = _time(lambda: base_run(*next(it3)), n_base)
    b50, b95 = _pct(base)
    for name, vals in (("random pairs", ours), ("school -> home", school)):
        p50, p95 = _pct(vals)
        rows.append(
            f"| {label}: {name}, shortest+safer ({router.engine.name}) | {p50:.2f} | {p95:.2f} | "
            f"{b50 / p50:,.0f}x |"
        )
    rows.append(
        f"| {label}: osmnx nearest_nodes x2 + shortest_path x3 (baseline, {n_base} pairs) | {b50:.1f} | "
        f"{b95:.1f} | 1x |"
    )
    return pairs, b50


def bench_hotspot(router: Router) -> float:
    """ms from a new hotspot on the safer route until a route query returns the changed route."""
    r = router.fork()
    r.prepare_hotspots()  # done at load time by the service
    g = r.graph
    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = (int(v) for v in rng.integers(0, g.n_nodes, 2))
        args = dict(
            from_lat=g.node_lat[a], from_lon=g.node_lon[a], to_lat=g.node_lat[b], to_lon=g.node_lon[b]
        )
        before = r.routes(**args, at=AT, cap=DetourCap(100, 3000))["features"][1]["geometry"]["coordinates"]
        if len(before) < 6:
            continue
        lon, lat = before[len(before) // 2]
        t = time.perf_counter()
        r.set_hotspots([Hotspot(id=99, weight=10, lat=lat, lon=lon, radius_m=60, version=str(t))])
        after = r.routes(**args, at=AT, cap=DetourCap(100, 3000))["features"][1]["geometry"]["coordinates"]
        elapsed = (time.perf_counter() - t) * 1000
        if after != before:
            return elapsed
    return float("nan")


def cold_load_s(out_dir: Path, *, empty_numba_cache: bool = False) -> float:
    """Seconds for a fresh process to import, load the artefacts and answer one route (median of 3 runs)."""
    return sorted(_cold_once(out_dir, empty_numba_cache) for _ in range(3))[1]


def _cold_once(out_dir: Path, empty_numba_cache: bool) -> float:
    code = (
        "import time; t=time.perf_counter(); from pathlib import Path; from routing.router import Router; "
        f"r=Router.load(Path({str(out_dir)!r}), slug='x'); g=r.graph; import datetime as dt; "
        "r.routes(from_lat=g.node_lat[0], from_lon=g.node_lon[0], to_lat=g.node_lat[9], to_lon=g.node_lon[9], "
        "at=dt.datetime(2026,11,26,16,tzinfo=dt.UTC)); print(time.perf_counter()-t)"
    )
    with tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "NUMBA_CACHE_DIR": empty} if empty_numba_cache else dict(os.environ)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env=env
        )
    return float(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _http_load(base: str, paths: list[str], *, concurrency: int) -> tuple[list[float], float]:
    """Keep `concurrency` requests in flight (aiohttp: a lighter client than httpx, so the load generator takes
    less of the CPUs the server shares on this machine); returns per-request latencies and requests/s."""
    import aiohttp

    lat: list[float] = []
    queue = list(paths)

    async def worker(session: aiohttp.ClientSession) -> None:
        while queue:
            path = queue.pop()
            t = time.perf_counter()
            async with session.get(path) as r:
                body = await r.read()
                if r.status != 200:
                    raise RuntimeError(f"HTTP {r.status}: {body[:200]!r}")
            lat.append(time.perf_counter() - t)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url=base, connector=connector) as session:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return lat, len(paths) / wall


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its direct children (uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _inside_boundary(g: StreetGraph) -> np.ndarray:
    """Nodes inside the demo area's boundary (the street extract reaches a little beyond it)."""
    import json

    import shapely
    from shapely.geometry import shape

    doc = json.loads((ROOT / "content" / "areas" / "north-london-demo" / "boundary.geojson").read_text())
    geom = shape(
        doc["features"][0]["geometry"] if doc.get("type") == "FeatureCollection" else doc["geometry"]
    )
    return np.asarray(shapely.contains_xy(geom, g.node_lon, g.node_lat))


def bench_http(
    router: Router, build_dir: Path, *, n: int, workers: int = 1
) -> tuple[float, float, float, float, float, float, float]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "WAYHOME_VAR_DIR": var,
            "WAYHOME_BUILD_DIR": str(build_dir),
            "PORT": str(port),
            "WAYHOME_RATE_LIMITS": "0",
            "WAYHOME_IN_PROCESS_WORKER": "0",
            "WAYHOME_LOG_LEVEL": "WARNING",
            "WAYHOME_AREAS": "north-london-demo",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "backend.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True)
        env["WAYHOME_AUTO_MIGRATE"] = "0"  # migrated once above, not by each worker at once
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory"),
                *(
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            for _ in range(1200):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"the benchmark server exited with code {proc.returncode} before it was ready"
                    )
                time.sleep(0.1)
            else:
                raise RuntimeError("the benchmark server was not ready after 120 s")
            g = router.graph
            rng = np.random.default_rng(5)
            paths = [
                f"/api/v1/routes?from={g.node_lat[a]:.6f},{g.node_lon[a]:.6f}&to={g.node_lat[b]:.6f},"
                f"{g.node_lon[b]:.6f}"
                for a, b in rng.choice(np.nonzero(_inside_boundary(g))[0], (n, 2))
            ]
            asyncio.run(_http_load(base, paths[:40], concurrency=8))  # warm
            cpu0, own0 = _cpu_s(proc.pid), time.process_time()
            lat, rps = asyncio.run(_http_load(base, paths, concurrency=8))
            server_ms = (_cpu_s(proc.pid) - cpu0) * 1000 / len(paths)
            client_ms = (time.process_time() - own0) * 1000 / len(paths)
            single, _ = asyncio.run(_http_load(base, paths[: len(paths) // 4], concurrency=1))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    p50, p95 = _pct(lat)
    s50, s95 = _pct(single)
    return p50, p95, rps, s50, s95, server_ms, client_ms


def main(argv: Sequence[str] = ()) -> int:
    quick = "--quick" in argv
    load_start = os.getloadavg()[0]
    n, n_base = (40, 3) if quick else (300, 15)
    build_dir = Path(os.environ.get("WAYHOME_BUILD_DIR", ROOT / "var" / "build"))
    pack = ROOT / "content" / "areas" / "north-london-demo"
    sources = AreaSources(
        slug="north-london-demo",
        osm_files=(pack / "streets" / "wood-green_2026-07.osm.bz2",),
        lsoa_geojson=pack / "lsoa.geojson",
        crime_lsoa_csv=pack / "crime_lsoa_monthly.csv",
        street_crimes_csv=pack / "street_crimes.csv",
        data_as_of="2026-02",
    )
    out_dir = build_dir / "north-london-demo"
    build_area(sources, out_dir)
    real = Router.load(out_dir, slug="north-london-demo")
    rows = ["| what | p50 ms | p95 ms | vs baseline |", "|---|---|---|---|"]
    real_label = f"north-london-demo ({real.graph.n_nodes:,} nodes)"
    pairs, base_p50 = bench_queries(real, label=real_label, n=n, n_base=n_base, rows=rows)
    peer, peer_notes = peer_rows(
        real, sources=sources, pairs=pairs, label=real_label, baseline_p50_ms=base_p50
    )
    rows += peer
    sg, risk = synthetic_graph()
    synth = Router(slug="synthetic", graph=sg, base_risk=risk)
    bench_queries(
        synth,
        label=f"synthetic grid ({sg.n_nodes:,} nodes, {sg.n_edges:,} edges)",
        n=n,
        n_base=n_base,
        rows=rows,
    )
    load_before = os.getloadavg()[0]
    for workers in (1, 2):
        h50, h95, rps, s50, s95, server_ms, client_ms = bench_http(
            real, build_dir, n=80 if quick else 600, workers=workers
        )
        where = f"uvicorn --workers {workers} on loopback"
        rows.append(f"| HTTP GET /api/v1/routes, 1 client at a time, {where} | {s50:.2f} | {s95:.2f} | |")
        rows.append(
            f"| HTTP GET /api/v1/routes, 8 concurrent clients, {where} | {h50:.2f} | {h95:.2f} | "
            f"{rps:.0f} req/s; server CPU {server_ms:.2f} ms/req, client {client_ms:.2f} ms/req |"
        )
    hot_real, hot_synth = bench_hotspot(real), bench_hotspot(synth)
    cold = cold_load_s(out_dir)
    cold_compile = cold_load_s(out_dir, empty_numba_cache=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = os.getloadavg()[0]
    text = "\n".join(
        [
            "## Routes",
            "",
            "Reproduce: `.venv/bin/python -m backend.cli bench routes` (writes this section; `--quick` prints a "
            f"smoke run). Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load average "
            f"{load_start:.1f} at the start, {load_before:.1f} before the HTTP rows, {load_after:.1f} at the end "
            "(other engineers' test suites share these CPUs and inflate every row).",
            "",
            "Per query = snap both ends + shortest + safer + GeoJSON properties, in-process. Safer = exact ALT "
            f"searches at risk weights {', '.join(f'{a:g}' for a in SAFER_ALPHAS)}: the middle one first, then the "
            "larger if it fitted the detour cap or the smaller if not (three searches per query); the largest weight "
            "within the cap wins. School -> home reads both routes off per-school shortest-path trees (built once "
            "per school and weight snapshot in a background thread; 8 schools, trees built before timing). Baseline = "
            "ox.distance.nearest_nodes x2 + ox.routing.shortest_path for length and the same two risk weights, on "
            "the same graph. The synthetic graph is a perturbed 224x224 street grid (8% of blocks missing) with a "
            "smooth risk field, about the size of Southwark's walking network. HTTP: a real uvicorn on loopback, "
            "random pairs inside the area, load generated by aiohttp in the benchmark process (server and client "
            "share the CPUs; httpx as the client costs about 1 ms of CPU per request itself, enough to double the "
            "8-client latency on 2 CPUs); server CPU per request is read from /proc. Landmark tables of a new time "
            "context (after-school peak, dark) are built in a background thread by `serve`; until they are ready "
            "the safer searches use scaled length bounds (still exact, slower).",
            "",
            *rows,
            "",
            f"- New officer hotspot until the safer route changes, in-process (set_hotspots: risk recomputed for "
            f"nearby edges and a new snapshot swapped in, then the next query): {hot_real:.1f} ms "
            f"(north-london-demo), {hot_synth:.1f} ms (synthetic); goal <= 100 ms. Over HTTP add the database "
            "write; other web workers pick the change up on their next route request (revision check at most "
            "once a second).",
            "- Cold load of north-london-demo in a fresh process (imports, arrays, KD-trees, landmarks, first "
            f"route), median of 3: {cold:.2f} s with a warm numba cache, {cold_compile:.2f} s with an empty one "
            "(the kernels compile once into numba's disk cache under the build dir, NUMBA_CACHE_DIR; "
            "`wayhome data build`, which `make run` runs before `serve`, fills it); goal <= 2 s.",
            f"- Peak RSS of the benchmark process (both graphs, the osmnx baseline graphs): {rss_mb:.0f} MiB.",
            *peer_notes,
            "",
        ]
    )
    print(text)
    if not quick:  # a smoke run only prints
        write_section(ROOT / "BENCHMARKS.md", "Routes", text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`wayhome bench loop`: is the event loop ever blocked? p95 of GET /api/v1/havens on a real uvicorn on
loopback, idle and while 4 clients hammer the staff sign-in (each attempt an argon2id check) and 4 clients ask
for routes (numba searches, per-route KD-trees). Goal: the loaded p95 within 2x of the idle p95.

The server runs in its own process with a throw-away SQLite database and var/ directory; the sign-in clients
use a real admin account with the right password, so every attempt costs a full password check and ends at the
second-factor question (no throttling kicks in), which is the most expensive thing anyone can make it do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# For a before/after comparison: serve another checkout of WayHome (e.g. `git archive <commit>`) instead.
SERVER_ROOT = Path(os.environ.get("WAYHOME_BENCH_SERVER_ROOT") or ROOT).resolve()
AREA = "north-london-demo"
HAVENS_QUERY = {"lat": "51.6050", "lon": "-0.1130", "limit": "5"}  # Wood Green, inside the demo extract
ROUTE_QUERIES = [
    {"from": "51.6010,-0.1150", "to": "51.6120,-0.1080"},
    {"from": "51.6060,-0.1250", "to": "51.5990,-0.1060"},
    {"from": "51.6150,-0.1200", "to": "51.6030,-0.1100"},
    {"from": "51.6000,-0.1300", "to": "51.6100,-0.1150"},
]
ADMIN_EMAIL = "bench.admin@bench.invalid"
ADMIN_PASSWORD = "plum tractor lantern orbit 1987"  # noqa: S105 (a throw-away bench database)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WAYHOME_VAR_DIR=str(tmp),
        DATABASE_URL=f"sqlite://{tmp / 'bench.sqlite3'}",
        WAYHOME_BUILD_DIR=str(Path(env.get("WAYHOME_BUILD_DIR") or ROOT / "var" / "build").resolve()),
        WAYHOME_AREAS=AREA,
        WAYHOME_RATE_LIMITS="0",  # measure the loop, not the public rate limits
        WAYHOME_IN_PROCESS_WORKER="0",
        WAYHOME_LOG_LEVEL="WARNING",
        PYTHONPATH=str(SERVER_ROOT),
    )
    return env


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


async def _sample_havens(http: httpx.AsyncClient, n: int) -> list[float]:
    times: list[float] = []
    for _ in range(n):
        started = time.perf_counter()
        response = await http.get("/api/v1/havens", params=HAVENS_QUERY)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET /api/v1/havens answered {response.status_code}: {response.text[:200]}")
        await asyncio.sleep(0.01)
    return times


async def _hammer_login(http: httpx.AsyncClient, stop: asyncio.Event, counts: dict[str, int]) -> None:
    body = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    while not stop.is_set():
        response = await http.post("/api/v1/auth/login", json=body)
        key = "login_" + str(response.status_code)
        counts[key] = counts.get(key, 0) + 1


async def _hammer_routes(
    http: httpx.AsyncClient, stop: asyncio.Event, counts: dict[str, int], k: int
) -> None:
    query = ROUTE_QUERIES[k % len(ROUTE_QUERIES)]
    while not stop.is_set():
        response = await http.get("/api/v1/routes", params=query)
        key = "routes_" + str(response.status_code)
        counts[key] = counts.get(key, 0) + 1


async def _load(base: str, clients: int, seconds: float) -> dict[str, int]:
    stop = asyncio.Event()
    counts: dict[str, int] = {}
    limits = httpx.Limits(max_connections=2 * clients + 2)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(120.0), limits=limits) as load:
        tasks = [asyncio.create_task(_hammer_login(load, stop, counts)) for _ in range(clients)]
        tasks += [asyncio.create_task(_hammer_routes(load, stop, counts, k)) for k in range(clients)]
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return counts


def _load_process(base: str, clients: int, seconds: float, out: Any) -> None:
    """The load clients in their own process, so reading big route responses does not slow the probe, and at
    a lower priority: real clients are on other machines, here they would otherwise take the server's CPU."""
    os.nice(10)
    out.put(asyncio.run(_load(base, clients, seconds)))


async def _probe(base: str, samples: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(120.0)) as probe:
        return await _sample_havens(probe, samples)


def measure(base: str, *, samples: int, clients: int) -> dict[str, Any]:
    import multiprocessing

    asyncio.run(_probe(base, 20))  # warm-up: caches, first queries, kernels
    httpx.get(f"{base}/api/v1/routes", params=ROUTE_QUERIES[0], timeout=120)
    idle = asyncio.run(_probe(base, samples))
    idle_s = sum(idle) + 0.01 * samples
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    loader = ctx.Process(target=_load_process, args=(base, clients, 3.0 + 4 * idle_s, out), daemon=True)
    loader.start()
    time.sleep(3.0)  # let the load build up
    loaded = asyncio.run(_probe(base, samples))
    counts = out.get(timeout=600)
    loader.join(timeout=60)
    return {"idle": idle, "loaded": loaded, "counts": counts}


def run(*, samples: int = 200, clients: int = 4) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="wayhome-bench-loop-") as tmp_name:
        tmp = Path(tmp_name)
        env = _env(tmp)
        cli = [sys.executable, "-m", "backend.cli"]
        subprocess.run([*cli, "db", "upgrade"], env=env, check=True, cwd=SERVER_ROOT, capture_output=True)
        subprocess.run(
            [*cli, "data", "build", AREA], env=env, check=True, cwd=SERVER_ROOT, capture_output=True
        )
        subprocess.run([*cli, "users", "create-admin", "--email", ADMIN_EMAIL, "--password-stdin"],
                       input=ADMIN_PASSWORD + "\n", text=True, env=env, check=True, cwd=SERVER_ROOT,
                       capture_output=True)  # fmt: skip
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log", "--log-level", "warning"],
            env=env, cwd=SERVER_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                if server.poll() is not None:
                    err = server.stderr.read().decode(errors="replace")[-2000:] if server.stderr else ""
                    raise RuntimeError(f"the server stopped before it was ready:\n{err}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not become ready within 180 s")
                time.sleep(0.2)
            return measure(base, samples=samples, clients=clients)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def report(*, samples: int, clients: int) -> int:
    result = run(samples=samples, clients=clients)
    idle, loaded = result["idle"], result["loaded"]
    ratio = p95(loaded) / p95(idle)
    print(
        f"GET /api/v1/havens on uvicorn (loopback), {samples} sequential requests each; server: {SERVER_ROOT}"
    )
    print(f"  idle:   p50 {statistics.median(idle) * 1000:7.1f} ms   p95 {p95(idle) * 1000:7.1f} ms")
    print(f"  loaded: p50 {statistics.median(loaded) * 1000:7.1f} ms   p95 {p95(loaded) * 1000:7.1f} ms"
          f"   ({clients} sign-in + {clients} route clients)")  # fmt: skip
    counts = ", ".join(f"{k} x{v}" for k, v in sorted(result["counts"].items()))
    print(f"  load served meanwhile: {counts}")
    print(f"  ratio loaded/idle p95: {ratio:.2f}x (goal <= 2x: {'met' if ratio <= 2 else 'NOT met'})")
    return 0


def cmd_bench_loop(args: argparse.Namespace) -> int:
    return report(samples=args.samples, clients=args.clients)


def add_commands(registry: Any) -> None:
    bench = registry.group("bench")
    loop = bench.add_parser("loop", help="p95 of /api/v1/havens idle vs while sign-ins and routes hammer it")
    loop.add_argument("--samples", type=int, default=200)
    loop.add_argument("--clients", type=int, default=4, help="sign-in clients and route clients (each)")
    loop.set_defaults(func=cmd_bench_loop)


if __name__ == "__main__":
    raise SystemExit(report(samples=200, clients=4))

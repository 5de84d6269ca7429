"""A real uvicorn server on 127.0.0.1 in a background thread, for browser, push and load tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn

from backend.app import create_app
from backend.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(settings: Settings, *, port: int | None = None) -> Iterator[str]:
    """Serve `create_app(settings)` on loopback until the block ends; yields the base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        proxy_headers=False,  # as in production: only WAYHOME_TRUSTED_PROXIES decides
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"wayhome-live-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    assert httpx.get(f"{base}/healthz", timeout=10).status_code in (200, 503)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)

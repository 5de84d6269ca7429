"""A loopback HTTP server that answers like the police.uk API, serving the real June 2018 Southwark responses."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

from backend.settings import ROOT

RAW_API = ROOT.parent / "shared" / "data" / "southwark" / "policeuk_api_2018-06_raw"


@dataclass
class PoliceUkServer:
    base: str = ""
    port: int = 0
    months: list[str] = field(default_factory=lambda: ["2018-06"])
    body: bytes = b""
    redirect_to: str = ""  # when set, every request is answered 302 to this URL
    hits: list[str] = field(default_factory=list)  # "GET /api/..." or "POST /api/... date=YYYY-MM"
    forms: list[dict[str, list[str]]] = field(default_factory=list)


@contextlib.contextmanager
def policeuk_server(*, ward: str = "E05011095", redirect_to: str = "") -> Iterator[PoliceUkServer]:
    site = PoliceUkServer(body=(RAW_API / f"{ward}.json").read_bytes(), redirect_to=redirect_to)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes = b"", location: str = "") -> None:
            self.send_response(status)
            if location:
                self.send_header("location", location)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            site.hits.append(f"GET {self.path}")
            if site.redirect_to:
                self._send(302, location=site.redirect_to)
            elif self.path == "/api/crimes-street-dates":
                self._send(
                    200, json.dumps([{"date": m, "stop-and-search": []} for m in site.months]).encode()
                )
            else:
                self._send(404, b"[]")

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            site.hits.append(f"POST {self.path} date={form.get('date', [''])[0]}")
            site.forms.append(form)
            if site.redirect_to:
                self._send(307, location=site.redirect_to)
            elif self.path == "/api/crimes-street/all-crime":
                self._send(200, site.body)
            else:
                self._send(404, b"[]")

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.port = int(server.server_address[1])
    site.base = f"http://127.0.0.1:{site.port}/api"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()

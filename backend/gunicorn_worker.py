"""The gunicorn worker class for the Procfile: uvicorn with its own proxy-header handling switched off.

Uvicorn would otherwise rewrite the client address from X-Forwarded-For for any peer in
`--forwarded-allow-ips` (taking whatever a client wrote when that is '*'). WayHome reads the header in one
place only, behind WAYHOME_TRUSTED_PROXIES (backend/accounts/addresses.py, applied by the security middleware).
"""

from __future__ import annotations

from typing import Any

from uvicorn.workers import UvicornWorker


class WayHomeWorker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {
        **UvicornWorker.CONFIG_KWARGS,
        "proxy_headers": False,
        "server_header": False,
    }

"""Structured JSON logs, one object per line, with the request id and nothing personal.

Only fields named in SAFE_FIELDS are copied from `extra=`: a stray coordinate or endpoint passed by mistake is
dropped rather than written.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

SAFE_FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "areas",
    "startup_ms",
    "area",
    "count",
    "event",
    "notice_id",
    "delivery_id",
    "attempt",
    "push_status",
    "user_id",
    "action",
    "object_type",
    "object_id",
    "reason",
    "elapsed_ms",
    "nodes",
    "edges",
    "path",
    "counts",  # outcome name -> number, e.g. the worker's {"done": 480, "retry": 20}
    "concurrency",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in SAFE_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "tortoise", "aiosqlite", "asyncio", "httpx", "httpcore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True  # replaced by wayhome.access, which omits addresses

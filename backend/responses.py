"""The JSON response every endpoint returns: a stored value that cannot be encoded never turns a page into a 500.

Input is checked where it enters (backend/params.py), but rows written before that check existed may still
hold a lone UTF-16 surrogate. Starlette's JSONResponse would raise UnicodeEncodeError and the public page
(a school, the help services) would answer 500 until someone repaired the row; here the broken character is
shown as U+FFFD instead, and a warning names the route so staff can fix the record.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from starlette.responses import JSONResponse as StarletteJSONResponse

log = logging.getLogger("wayhome.responses")
_REPLACEMENT = "\ufffd"
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub(_REPLACEMENT, value)
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


class JSONResponse(StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            log.warning(
                "a stored value holds a broken character; shown as U+FFFD", extra={"event": "scrubbed"}
            )
            return json.dumps(
                _scrub(content), ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
            ).encode("utf-8")


__all__ = ["JSONResponse"]

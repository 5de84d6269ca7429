"""What the lifespan loads once and every request reads: `request.app.state.wayhome`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from backend.settings import Settings
from content.areas import AreaPack


@dataclass
class AppState:
    settings: Settings
    areas: dict[str, AreaPack]
    routers: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.wayhome
    return state

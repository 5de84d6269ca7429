"""Every HTTP module, in the order their routes are matched. Each exposes `routes` with full paths."""

from __future__ import annotations

from starlette.routing import BaseRoute

from backend.api import (
    areas,
    auth,
    directions,
    gazetteer,
    geocode,
    havens,
    health,
    messages,
    notices,
    push,
    schools,
    services,
    streets,
    surveys,
)
from backend.api.admin import audit, finish_times, hotspots, imports, users, website_audit
from backend.api.admin import havens as admin_havens
from backend.api.admin import messages as admin_messages
from backend.api.admin import notices as admin_notices
from backend.api.admin import services as admin_services
from backend.api.admin import streets as admin_streets

MODULES = (
    health,
    areas,
    gazetteer,
    geocode,
    streets,
    directions,
    havens,
    services,
    messages,
    schools,
    notices,
    push,
    surveys,
    auth,
    users,
    audit,
    admin_havens,
    admin_services,
    admin_messages,
    imports,
    website_audit,
    admin_streets,
    hotspots,
    finish_times,
    admin_notices,
)


def api_routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.routes]

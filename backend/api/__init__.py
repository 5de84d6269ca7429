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
    safe_places,
    schools,
    services,
    streets,
    surveys,
)
from backend.api.admin import (
    account_security,
    audit,
    finish_times,
    hotspot_preview,
    hotspots,
    imports,
    partner_websites,
    survey_editing,
    users,
    website_audit,
)
from backend.api.admin import havens as admin_havens
from backend.api.admin import insights as admin_insights
from backend.api.admin import messages as admin_messages
from backend.api.admin import notices as admin_notices
from backend.api.admin import partnership as admin_partnership
from backend.api.admin import perceived as admin_perceived
from backend.api.admin import performance as admin_performance
from backend.api.admin import review as admin_review
from backend.api.admin import safe_places as admin_safe_places
from backend.api.admin import services as admin_services
from backend.api.admin import streets as admin_streets
from backend.api.admin import surveys as admin_surveys

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
    account_security,
    users,
    audit,
    admin_havens,
    admin_services,
    admin_messages,
    imports,
    website_audit,
    partner_websites,
    admin_streets,
    hotspots,
    finish_times,
    admin_notices,
    safe_places,  # i12: public "Become a safe place" form and venues' change reports
    admin_safe_places,  # i12: officer review, publish, posters, re-checks
    hotspot_preview,  # i12: a hotspot's effect on sample school routes, before saving
    admin_partnership,
    admin_insights,
    admin_review,
    admin_performance,  # i16: the plan's performance dashboard
    admin_surveys,  # i16: survey periods, suppressed reports, free-text review
    admin_perceived,  # i16: the survey's perceived-safety layer for routing
    survey_editing,  # i16: editors' drafts of survey questions, published by a second editor
)


def api_routes() -> list[BaseRoute]:
    return [route for module in MODULES for route in module.routes]

"""Who may call which staff route on whose objects: the table that test_authz_matrix.py walks.

Every route under /api/v1/admin/ must have a row here (the matrix test fails listing any that has none), so
when you add an admin route, add its row next to your others:

    Row("POST", "/api/v1/admin/notices", roles={"officer"}, prepare=my_prepare)

- `roles`: roles allowed at function level besides admin (admin may call everything).
- `prepare(ctx, which)`: builds the call for an object the caller is assigned to (`which == "own"`) or one
  they are not (`"other"`), usually by creating it first through `ctx.admin` (an httpx client signed in as an
  admin) or the ORM. Called afresh before every request, so deletes get a new object each time.
- `scoped=False` for routes with no object scope (e.g. user management, which is admin-only anyway).
- `other_ok(response, call)`: for list routes that filter rather than refuse: return True when a 2xx answer
  for an "other" object does not leak it.
The signed-in caller's scope is `SCOPE` (areas=southwark, schools=OWN_SCHOOL) unless a row sets `scope`.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

OWN_AREA = "southwark"
OTHER_AREA = "north-london-demo"
OWN_SCHOOL = "100823"  # Dulwich Village CE Infants' School, Southwark
OTHER_SCHOOL = "101264"  # Brunswick Park Primary and Nursery School, north-london-demo
SCOPE: dict[str, tuple[str, ...]] = {"areas": (OWN_AREA,), "schools": (OWN_SCHOOL,)}
ROLES = ("admin", "officer", "editor")
_unique = itertools.count(1)


@dataclass
class Call:
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


@dataclass
class Ctx:
    app: Any
    admin: httpx.AsyncClient
    extras: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def unique() -> int:
        return next(_unique)


Prepare = Callable[[Ctx, str], Awaitable[Call]]


async def no_params(ctx: Ctx, which: str) -> Call:
    return Call()


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    roles: frozenset[str] | set[str] = frozenset()
    prepare: Prepare = no_params
    scoped: bool = True
    ok: tuple[int, ...] = (200, 201, 204)
    denied: tuple[int, ...] = (403, 404)
    other_ok: Callable[[httpx.Response, Call], bool] | None = None
    scope: dict[str, tuple[str, ...]] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.method.upper(), self.path)


# ---- accounts (users, invitations, audit): admin only ------------------------------------------------------
async def _new_user(ctx: Ctx, which: str) -> Call:
    from tests.support.staff import create_user

    user = await create_user(role="editor", email=f"target{ctx.unique()}@staff.test")
    return Call(path_params={"id": user.id})


async def _patch_user(ctx: Ctx, which: str) -> Call:
    call = await _new_user(ctx, which)
    call.body = {"display_name": f"Renamed {ctx.unique()}"}
    return call


async def _invite(ctx: Ctx, which: str) -> Call:
    return Call(
        body={
            "email": f"invitee{ctx.unique()}@staff.test",
            "roles": ["officer"],
            "areas": [OWN_AREA],
            "schools": [OWN_SCHOOL],
        }
    )


ROWS: list[Row] = [
    Row("GET", "/api/v1/admin/users", scoped=False),
    Row("POST", "/api/v1/admin/users", prepare=_invite, scoped=False),
    Row("GET", "/api/v1/admin/users/{id}", prepare=_new_user, scoped=False),
    Row("PATCH", "/api/v1/admin/users/{id}", prepare=_patch_user, scoped=False),
    Row("POST", "/api/v1/admin/invitations", prepare=_invite, scoped=False),
    Row("GET", "/api/v1/admin/audit", scoped=False),
]


# ---- havens, help services, key messages, imports, website audit (havens engineer) -------------------------
# Editors act for their areas (admins for all); national services are admin-only; messages have no area scope.
def _area(which: str) -> str:
    return OWN_AREA if which == "own" else OTHER_AREA


async def _haven(ctx: Ctx, which: str) -> Call:
    from havens.models import Haven

    haven = await Haven.create(
        area=_area(which), name=f"Authz haven {ctx.unique()}", kind="other", lat=51.5, lon=-0.1
    )
    return Call(path_params={"id": haven.id}, body={"notes": "checked"})


async def _haven_area_query(ctx: Ctx, which: str) -> Call:
    return Call(query={"area": _area(which)})


async def _new_haven(ctx: Ctx, which: str) -> Call:
    body = {
        "area": _area(which),
        "name": f"New haven {ctx.unique()}",
        "kind": "other",
        "lat": 51.48,
        "lon": -0.09,
    }
    return Call(body=body)


def _service_body(ctx: Ctx, which: str) -> dict[str, Any]:
    return {"name": f"Authz service {ctx.unique()}", "needs": ["feeling_low"], "area": _area(which),
            "channels": [{"kind": "phone", "value": "0800 1111", "hours": None}]}  # fmt: skip


async def _service(ctx: Ctx, which: str) -> Call:
    from havens.models import HelpService

    fields = _service_body(ctx, which)
    service = await HelpService.create(**fields)
    return Call(path_params={"id": service.id}, body={"description": "checked"})


async def _new_service(ctx: Ctx, which: str) -> Call:
    return Call(body=_service_body(ctx, which))


async def _message(ctx: Ctx, which: str) -> Call:
    from havens.models import KeyMessage

    msg = await KeyMessage.create(tier="14-17", topic=f"authz-{ctx.unique()}", title="T", body_markdown="B")
    return Call(path_params={"id": msg.id}, body={"title": "Changed"})


async def _message_review(ctx: Ctx, which: str) -> Call:
    call = await _message(ctx, which)
    return Call(path_params=call.path_params, body={"reviewed_by": "Safer Schools officer"})


async def _new_message(ctx: Ctx, which: str) -> Call:
    return Call(
        body={"tier": "18-24", "topic": f"authz-new-{ctx.unique()}", "title": "T", "body_markdown": "B"}
    )


async def _import_havens(ctx: Ctx, which: str) -> Call:
    return Call(
        body={"csv": f"area,name,kind,lat,lon\n{_area(which)},Imported {ctx.unique()},other,51.48,-0.09\n"}
    )


async def _import_services(ctx: Ctx, which: str) -> Call:
    return Call(
        body={"csv": f"name,needs,phone,area\nImported {ctx.unique()},feeling_low,0800 1111,{_area(which)}\n"}
    )


EDITOR = {"editor"}
ROWS += [
    Row("GET", "/api/v1/admin/havens", roles=EDITOR, prepare=_haven_area_query),
    Row("POST", "/api/v1/admin/havens", roles=EDITOR, prepare=_new_haven),
    Row("GET", "/api/v1/admin/havens/export.csv", roles=EDITOR, prepare=_haven_area_query),
    Row("GET", "/api/v1/admin/havens/{id:int}", roles=EDITOR, prepare=_haven),
    Row("PATCH", "/api/v1/admin/havens/{id:int}", roles=EDITOR, prepare=_haven),
    Row("DELETE", "/api/v1/admin/havens/{id:int}", roles=EDITOR, prepare=_haven),
    Row("POST", "/api/v1/admin/havens/{id:int}/verify", roles=EDITOR, prepare=_haven),
    Row("GET", "/api/v1/admin/services", roles=EDITOR, scoped=False),
    Row("POST", "/api/v1/admin/services", roles=EDITOR, prepare=_new_service),
    Row("GET", "/api/v1/admin/services/export.csv", roles=EDITOR, scoped=False),
    Row("GET", "/api/v1/admin/services/{id:int}", roles=EDITOR, prepare=_service, scoped=False),
    Row("PATCH", "/api/v1/admin/services/{id:int}", roles=EDITOR, prepare=_service),
    Row("DELETE", "/api/v1/admin/services/{id:int}", roles=EDITOR, prepare=_service),
    Row("POST", "/api/v1/admin/services/{id:int}/verify", roles=EDITOR, prepare=_service),
    Row("GET", "/api/v1/admin/messages", roles=EDITOR, scoped=False),
    Row("POST", "/api/v1/admin/messages", roles=EDITOR, prepare=_new_message, scoped=False),
    Row("GET", "/api/v1/admin/messages/{id:int}", roles=EDITOR, prepare=_message, scoped=False),
    Row("PATCH", "/api/v1/admin/messages/{id:int}", roles=EDITOR, prepare=_message, scoped=False),
    Row(
        "POST", "/api/v1/admin/messages/{id:int}/review", roles=EDITOR, prepare=_message_review, scoped=False
    ),
    # out-of-area rows are reported per row (422 import_rejected), and nothing is written
    Row("POST", "/api/v1/admin/imports/havens", roles=EDITOR, prepare=_import_havens, denied=(403, 422)),
    Row("POST", "/api/v1/admin/imports/services", roles=EDITOR, prepare=_import_services, denied=(403, 422)),
    Row("GET", "/api/v1/admin/website-audit", roles=EDITOR, scoped=False),
]


# ---- notices and finish times (alerts engineer) --------------------------------------------------------------
# Officers and editors draft for their schools/areas; only officers send; finish times are officers' only.
def _school(which: str) -> str:
    return OWN_SCHOOL if which == "own" else OTHER_SCHOOL


async def _notice(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    from backend.alerts.models import Notice

    notice = await Notice.create(
        kind="patrol",
        title=f"Authz notice {ctx.unique()}",
        body="Patrol",
        schools=[_school(which)],
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
    )
    ctx.extras["notice_id"] = notice.id
    return Call(path_params={"id": notice.id}, body={"title": "Changed"})


async def _new_notice(ctx: Ctx, which: str) -> Call:
    return Call(body={"kind": "safety", "title": "T", "body": "B", "schools": [_school(which)]})


async def _send_notice(ctx: Ctx, which: str) -> Call:
    call = await _notice(ctx, which)
    call.body = None
    return call


def _notice_not_listed(response: httpx.Response, call: Call) -> bool:
    return all(n["schools"] != [OTHER_SCHOOL] for n in response.json()["notices"])


async def _finish_times(ctx: Ctx, which: str) -> Call:
    return Call(
        path_params={"urn": _school(which)},
        body={"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:15"}]},
    )


async def _notice_list(ctx: Ctx, which: str) -> Call:
    await _notice(ctx, which)
    return Call()


DRAFTERS = {"officer", "editor"}
ROWS += [
    Row("GET", "/api/v1/admin/notices", roles=DRAFTERS, prepare=_notice_list, other_ok=_notice_not_listed),
    Row("POST", "/api/v1/admin/notices", roles=DRAFTERS, prepare=_new_notice),
    Row("GET", "/api/v1/admin/notices/{id:int}", roles=DRAFTERS, prepare=_notice),
    Row("PATCH", "/api/v1/admin/notices/{id:int}", roles=DRAFTERS, prepare=_notice),
    Row("GET", "/api/v1/admin/notices/{id:int}/preview", roles=DRAFTERS, prepare=_notice),
    Row("POST", "/api/v1/admin/notices/{id:int}/send", roles={"officer"}, prepare=_send_notice),
    Row("GET", "/api/v1/admin/schools/{urn}/finish-times", roles={"officer"}, prepare=_finish_times),
    Row("PUT", "/api/v1/admin/schools/{urn}/finish-times", roles={"officer"}, prepare=_finish_times),
]


# ---- officer hotspots (officer, area-scoped) -------------------------------------------------------------------
HOTSPOT_POINTS = {OWN_AREA: (51.4741, -0.0694), OTHER_AREA: (51.614692, -0.12667)}  # inside each boundary


def _hs_area(which: str) -> str:
    return OWN_AREA if which == "own" else OTHER_AREA


async def _hs_existing(ctx: Ctx, which: str) -> Call:
    from backend.hotspots.models import Hotspot

    lat, lon = HOTSPOT_POINTS[_hs_area(which)]
    hotspot = await Hotspot.create(
        area=_hs_area(which), lat=lat, lon=lon, radius_m=100.0, weight=2.0, windows=[]
    )
    return Call(path_params={"hotspot_id": hotspot.id}, body={"weight": 3.0})


async def _hs_new(ctx: Ctx, which: str) -> Call:
    lat, lon = HOTSPOT_POINTS[_hs_area(which)]
    return Call(body={"area": _hs_area(which), "lat": lat, "lon": lon, "radius_m": 150.0, "weight": 2.0})


async def _hs_list(ctx: Ctx, which: str) -> Call:
    return Call(query={"area": _hs_area(which)})


ROWS += [
    Row("GET", "/api/v1/admin/hotspots", roles={"officer"}, prepare=_hs_list),
    Row("POST", "/api/v1/admin/hotspots", roles={"officer"}, prepare=_hs_new),
    Row("GET", "/api/v1/admin/hotspots/{hotspot_id:int}", roles={"officer"}, prepare=_hs_existing),
    Row("PATCH", "/api/v1/admin/hotspots/{hotspot_id:int}", roles={"officer"}, prepare=_hs_existing),
    Row("DELETE", "/api/v1/admin/hotspots/{hotspot_id:int}", roles={"officer"}, prepare=_hs_existing),
]


# ---- safe place applications, Haven posters and re-checks (i12: officer, area-scoped) --------------------------
async def _application(ctx: Ctx, which: str) -> Call:
    from havens.applications.models import SafePlaceApplication

    lat, lon = HOTSPOT_POINTS[_hs_area(which)]
    application = await SafePlaceApplication.create(
        area=_hs_area(which), venue_name=f"Venue {ctx.unique()}", address="1 High Road", postcode="N22 6XF",
        lat=lat, lon=lon, contact_name="Sam", contact_phone="020 7000 0000", opening_hours="Mo 09:00-17:00",
    )  # fmt: skip
    return Call(path_params={"app_id": application.id})


async def _visit(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    call = await _application(ctx, which)
    call.body = {"visit_date": dt.date.today().isoformat(), "agreement_signed": True}
    return call


async def _visited(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    from havens.applications.models import SafePlaceApplication

    call = await _application(ctx, which)
    await SafePlaceApplication.filter(id=call.path_params["app_id"]).update(
        status="visited", visit_date=dt.date.today(), agreement_signed=True, visited_by=1
    )
    return call


async def _poster(ctx: Ctx, which: str) -> Call:
    call = await _haven(ctx, which)
    return Call(path_params={"haven_id": call.path_params["id"]})


def _application_not_listed(response: httpx.Response, call: Call) -> bool:
    return all(a["area"] == OWN_AREA for a in response.json()["applications"])


def _due_not_listed(response: httpx.Response, call: Call) -> bool:
    return all(h["area"] == OWN_AREA for h in response.json()["due"])


ROWS += [
    Row("GET", "/api/v1/admin/safe-place-applications", roles={"officer"}, other_ok=_application_not_listed),
    Row(
        "POST", "/api/v1/admin/safe-place-applications/{app_id:int}/visit", roles={"officer"}, prepare=_visit
    ),
    Row(
        "POST",
        "/api/v1/admin/safe-place-applications/{app_id:int}/publish",
        roles={"officer"},
        prepare=_visited,
    ),
    Row(
        "POST",
        "/api/v1/admin/safe-place-applications/{app_id:int}/decline",
        roles={"officer"},
        prepare=_application,
    ),
    Row("GET", "/api/v1/admin/safe-place-reverify", roles={"officer"}, other_ok=_due_not_listed),
    Row("POST", "/api/v1/admin/hotspots/preview", roles={"officer"}, prepare=_hs_new),
    Row(
        "GET", "/api/v1/admin/havens/{haven_id:int}/poster.svg", roles={"officer", "editor"}, prepare=_poster
    ),
]


# ---- partnership data (crimes, aggregates, surface): officers and admins for their areas -------------------
async def _crimes_file(ctx: Ctx, which: str) -> Call:
    """A one-crime police.uk API response (a test fixture: made up for this check), unique per call."""
    n = ctx.unique()
    crime = {
        "category": "robbery",
        "location": {
            "latitude": "51.4940",
            "longitude": "-0.0990",
            "street": {"id": n, "name": "Test fixture"},
        },
        "month": "2026-01",
        "id": 900_000_000 + n,
        "persistent_id": "",
        "context": "",
        "outcome_status": None,
    }
    return Call(query={"area": _area(which), "filename": f"testfixture-{n}.json"}, body=[crime])


async def _aggregates_file(ctx: Ctx, which: str) -> Call:
    """A one-cell ambulance count file (a test fixture: made up for this check), unique per call."""
    csv = f"month,lsoa_code,count\n2026-01,E01003932,{ctx.unique()}\n"
    return Call(query={"area": _area(which), "source": "ambulance"}, body={"csv": csv})


async def _area_query(ctx: Ctx, which: str) -> Call:
    return Call(query={"area": _area(which)})


ROWS += [
    Row("POST", "/api/v1/admin/imports/crimes", roles={"officer"}, prepare=_crimes_file),
    Row("POST", "/api/v1/admin/imports/aggregates", roles={"officer"}, prepare=_aggregates_file),
    # admin only; 409 when there is no previous surface to go back to (nothing is changed then)
    Row("POST", "/api/v1/admin/surface/rollback", prepare=_area_query, scoped=False, ok=(200, 409)),
    Row("GET", "/api/v1/admin/partnership/review", roles={"officer"}, prepare=_area_query),
    Row("GET", "/api/v1/admin/partnership/review.pdf", roles={"officer"}, prepare=_area_query),
    Row("GET", "/api/v1/admin/performance", roles={"officer"}, prepare=_area_query),
    Row("GET", "/api/v1/admin/performance.pdf", roles={"officer"}, prepare=_area_query),
]


# ---- partner websites, on-demand website audit, account security (i13b) -----------------------------------
async def _partner_new(ctx: Ctx, which: str) -> Call:
    area = OWN_AREA if which == "own" else OTHER_AREA
    return Call(
        body={"name": f"Youth club {ctx.unique()}", "url": "https://youth.example.invalid/", "area": area}
    )


async def _partner_existing(ctx: Ctx, which: str) -> Call:
    from havens.models import PartnerWebsite

    area = OWN_AREA if which == "own" else OTHER_AREA
    partner = await PartnerWebsite.create(
        name="Council youth page", url="https://council.example.invalid/", area=area
    )
    return Call(path_params={"id": partner.id})


async def _offline_audit(ctx: Ctx, which: str) -> Call:
    from havens.models import Haven, HelpService

    await Haven.all().update(website="")  # nothing real to fetch: tests never reach the internet
    await HelpService.all().delete()
    return Call()


ROWS += [
    Row("GET", "/api/v1/admin/partner-websites", roles={"officer", "editor"}, scoped=False),
    Row("POST", "/api/v1/admin/partner-websites", roles={"officer", "editor"}, prepare=_partner_new),
    Row(
        "DELETE",
        "/api/v1/admin/partner-websites/{id:int}",
        roles={"officer", "editor"},
        prepare=_partner_existing,
    ),
    Row(
        "POST",
        "/api/v1/admin/website-audit/run",
        roles={"officer", "editor"},
        prepare=_offline_audit,
        scoped=False,
    ),
    Row("POST", "/api/v1/admin/users/{id}/unlock", prepare=_new_user, scoped=False),
    Row("POST", "/api/v1/admin/users/{id}/reset-second-factor", prepare=_new_user, scoped=False),
]


# ---- insights: flows, planner, patrol plans, imported pupil counts (officer; area-scoped, counts school-scoped) --
INSIGHTS_SCOPE: dict[str, tuple[str, ...]] = {"areas": (OTHER_AREA,), "schools": ()}
COUNTS_SCOPE: dict[str, tuple[str, ...]] = {"areas": (), "schools": ("137531",)}  # Alexandra Park School


def _insights_area(which: str) -> str:
    return OTHER_AREA if which == "own" else OWN_AREA  # the caller is scoped to north-london-demo here


async def _insights_query(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    from backend.alerts.models import FinishTimes
    from backend.insights.service import secondary_schools
    from content.areas import load_area

    slug = _insights_area(which)
    for school in secondary_schools(load_area(slug)):
        rules = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "finish": "15:10"}]}
        await FinishTimes.update_or_create(defaults={"area": slug, "rules": rules}, school_urn=school.urn)
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return Call(query={"area": slug, "date": day.isoformat()})


async def _insights_body(ctx: Ctx, which: str) -> Call:
    call = await _insights_query(ctx, which)
    return Call(body=call.query)


async def _counts_upload(ctx: Ctx, which: str) -> Call:
    urn = "137531" if which == "own" else OWN_SCHOOL
    return Call(query={"school": urn}, body={"csv": "sector,year_group,pupils\nN11 2,7,23\n"})


async def _counts_list(ctx: Ctx, which: str) -> Call:
    return Call(query={"area": _insights_area(which)})


OFFICER = {"officer"}
ROWS += [
    Row("GET", "/api/v1/admin/insights/flows", roles=OFFICER, prepare=_insights_query, scope=INSIGHTS_SCOPE),
    Row("POST", "/api/v1/admin/insights/planner", roles=OFFICER, prepare=_insights_body, scope=INSIGHTS_SCOPE),
    Row("GET", "/api/v1/admin/insights/patrol-plan", roles=OFFICER, prepare=_insights_query, scope=INSIGHTS_SCOPE),
    Row("GET", "/api/v1/admin/insights/patrol-plan.html", roles=OFFICER, prepare=_insights_query,
        scope=INSIGHTS_SCOPE),
    Row("GET", "/api/v1/admin/insights/patrol-plan.pdf", roles=OFFICER, prepare=_insights_query,
        scope=INSIGHTS_SCOPE),
    Row("POST", "/api/v1/admin/insights/patrol-plan/notice", roles=OFFICER, prepare=_insights_query,
        scope=INSIGHTS_SCOPE),
    Row("POST", "/api/v1/admin/insights/pupil-counts", roles=OFFICER, prepare=_counts_upload, scope=COUNTS_SCOPE),
    Row("GET", "/api/v1/admin/insights/pupil-counts", roles=OFFICER, prepare=_counts_list, scope=INSIGHTS_SCOPE),
]  # fmt: skip


# ---- street download from the console (issue 11): admins only, no object scope ------------------------------
async def _street_download(ctx: Ctx, which: str) -> Call:
    # Under test settings the job never tries OpenStreetMap: it stops at its first step with a reason.
    return Call(path_params={"slug": OWN_AREA})


ROWS += [
    Row("GET", "/api/v1/admin/streets", scoped=False),
    Row(
        "POST", "/api/v1/admin/streets/{slug}/download", prepare=_street_download, scoped=False, ok=(202, 409)
    ),
]


# ---- surveys (i16): periods by editors, reports for any staff in their areas, free text by area ---------------
async def _survey_slug(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    opens = dt.date(2040, 1, 1) + dt.timedelta(days=3 * ctx.unique())  # never overlaps another call's period
    return Call(path_params={"slug": "local-attitudes"},
                body={"opens_on": opens.isoformat(), "closes_on": (opens + dt.timedelta(days=1)).isoformat()})  # fmt: skip


async def _survey_window(ctx: Ctx, which: str) -> Call:
    import datetime as dt

    from backend.surveys.models import SurveyWindow

    opens = dt.date(2060, 1, 1) + dt.timedelta(days=3 * ctx.unique())
    window = await SurveyWindow.create(survey="local-attitudes", opens_on=opens, closes_on=opens)
    return Call(path_params={"id": window.id}, query={"area": _area(which)})


async def _free_text(ctx: Ctx, which: str) -> Call:
    from backend.surveys.models import SurveyFreeText

    item = await SurveyFreeText.create(
        survey="travel-home",
        window_id=1,
        area=_area(which),
        question="other",
        text="test fixture",
        month="2026-01",
    )
    return Call(path_params={"id": item.id}, body={"decision": "approve"})


async def _survey_draft(ctx: Ctx, which: str) -> Call:
    body = {"title": "How you feel", "intro": "Two minutes.", "purpose": "The plan asks.",
            "questions": [{"id": "safe_day", "kind": "scale", "text": "How safe by day?", "min": 1, "max": 5,
                           "min_label": "Not safe at all", "max_label": "Very safe"}]}  # fmt: skip
    return Call(path_params={"slug": "local-attitudes"}, body=body)


async def _perceived_off(ctx: Ctx, which: str) -> Call:
    return Call(query={"area": _area(which)}, body={"enabled": False})


def _free_text_filtered(response: httpx.Response, call: Call) -> bool:
    return all(item["area"] == OWN_AREA for item in response.json()["items"])


ROWS += [
    Row("GET", "/api/v1/admin/surveys", roles={"officer", "editor"}, scoped=False),
    Row("POST", "/api/v1/admin/surveys/{slug}/windows", roles=EDITOR, prepare=_survey_slug, scoped=False),
    Row(
        "POST",
        "/api/v1/admin/surveys/windows/{id:int}/close",
        roles=EDITOR,
        prepare=_survey_window,
        scoped=False,
    ),
    Row(
        "GET",
        "/api/v1/admin/surveys/windows/{id:int}/report",
        roles={"officer", "editor"},
        prepare=_survey_window,
    ),
    Row(
        "GET",
        "/api/v1/admin/surveys/free-text",
        roles=EDITOR,
        prepare=_free_text,
        other_ok=_free_text_filtered,
    ),
    Row("POST", "/api/v1/admin/surveys/free-text/{id:int}", roles=EDITOR, prepare=_free_text),
    Row("GET", "/api/v1/admin/surveys/{slug}/draft", roles=EDITOR, prepare=_survey_draft, scoped=False),
    Row("PUT", "/api/v1/admin/surveys/{slug}/draft", roles=EDITOR, prepare=_survey_draft, scoped=False),
    # 409: the admin wrote no draft yet, or wrote it (a second editor must publish); nothing changes then
    Row(
        "POST",
        "/api/v1/admin/surveys/{slug}/draft/publish",
        roles=EDITOR,
        prepare=_survey_draft,
        scoped=False,
        ok=(200, 409, 422),
    ),
    Row("GET", "/api/v1/admin/surveys/perceived", roles={"officer"}, prepare=_area_query),
    Row("PUT", "/api/v1/admin/surveys/perceived", roles={"officer"}, prepare=_perceived_off),
]

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

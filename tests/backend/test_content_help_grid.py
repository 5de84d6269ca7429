"""Every help need at every age 10-24 has somewhere to go; needs_check services stay hidden until verified;
messages recommend only services the help screen shows for that age."""

from __future__ import annotations

import re

import httpx
import pytest

from backend.accounts.models import AuditEvent
from content.messages import load_messages
from content.services import NEEDS, load_national_services
from havens.models import HelpService
from tests.support.staff import login_as

AGES = range(10, 25)
TIER_AGES = {"10-13": range(10, 14), "14-17": range(14, 18), "18-24": range(18, 25)}


def _fits(service: dict, age: int) -> bool:  # type: ignore[type-arg]
    low, high = service["age_min"], service["age_max"]
    return (low is None or age >= low) and (high is None or age <= high)


async def _help(client: httpx.AsyncClient, need: str, age: int) -> dict:  # type: ignore[type-arg]
    r = await client.get("/api/v1/services", params={"need": need, "age": age})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_content_needs_by_ages_grid_has_no_dead_end(client: httpx.AsyncClient) -> None:
    for need in NEEDS:
        for age in AGES:
            body = await _help(client, need, age)
            shown = body["services"] or (body["fallback"] or {}).get("services", [])
            assert shown, f"{need} at {age}: nowhere to go"
            for s in shown:
                assert s["status"] == "checked" and _fits(s, age), (need, age, s["name"])
            if body["services"]:
                assert body["fallback"] is None and all(need in s["needs"] for s in body["services"])
            names = {s["name"] for s in shown}
            assert ("Childline (NSPCC)" in names) <= (age < 19), (need, age)  # Childline is for under-19s


@pytest.mark.parametrize("age", range(19, 25))
async def test_content_stop_carrying_has_an_adult_answer(client: httpx.AsyncClient, age: int) -> None:
    body = await _help(client, "want_to_stop_carrying", age)
    assert body["services"] == []  # nothing in the data is only about stopping carrying for adults
    fallback = body["fallback"]
    names = {s["name"] for s in fallback["services"]}
    assert {"Shout", "Victim Support", "Crimestoppers"} <= names and "Childline (NSPCC)" not in names
    assert fallback["needs"][0] == "feeling_low"
    young = await _help(client, "want_to_stop_carrying", 15)
    assert [s["name"] for s in young["services"]] == ["Childline (NSPCC)"] and young["fallback"] is None


async def test_content_fallback_reaches_999_when_nothing_else_fits(client: httpx.AsyncClient) -> None:
    await HelpService.exclude(seed_key="national:emergency-999").delete()
    for need in NEEDS:
        body = await _help(client, need, 20)
        shown = body["services"] or body["fallback"]["services"]
        assert [s["name"] for s in shown] == ["Emergency services"], need


async def test_content_needs_check_service_is_public_only_after_an_editor_verifies_it(
    client: httpx.AsyncClient,
) -> None:
    samaritans = await HelpService.get(seed_key="national:samaritans")
    assert "Samaritans" not in {s["name"] for s in (await _help(client, "feeling_low", 20))["services"]}
    staff = await login_as(client, role="admin", areas=())
    listed = (await client.get("/api/v1/admin/services")).json()["services"]
    row = next(s for s in listed if s["id"] == samaritans.id)
    assert row["status"] == "needs_check" and "not re-checked" in row["evidence"] and row["website"]
    r = await client.post(f"/api/v1/admin/services/{samaritans.id}/verify")
    assert r.status_code == 200 and r.json()["verified_by"] == staff.id and r.json()["verified_at"]
    assert await AuditEvent.filter(
        action="service.verify", object_id=str(samaritans.id), actor_id=staff.id
    ).exists()
    client.cookies.clear()
    shown = {s["name"]: s for s in (await _help(client, "feeling_low", 20))["services"]}
    assert shown["Samaritans"]["verified_at"] is not None


def _referenced(markdown: str) -> set[str]:
    """Slugs of national services a message points to (by number or website)."""
    out = set()
    for s in load_national_services():
        values = {c.value.removeprefix("https://") for c in s.channels} | {s.website.removeprefix("https://")}
        if any(v and (f"**{v}**" in markdown or f"(https://{v})" in markdown) for v in values):
            out.add(s.slug)
    return out


def _states_age_limit(markdown: str, low: int | None, high: int | None) -> bool:
    text = markdown.lower()
    return bool(
        (low is not None and re.search(rf"\b{low} or over\b", text))
        or (high is not None and re.search(rf"\bunder[- ]{high + 1}", text))
    )


def test_content_messages_recommend_only_services_shown_for_that_age() -> None:
    by_slug = {s.slug: s for s in load_national_services()}
    for m in load_messages():
        ages = TIER_AGES.get(m.tier)
        if ages is None:
            continue  # parents and professionals: adults signposting for children
        for slug in _referenced(m.body_markdown):
            s = by_slug[slug]
            assert s.status == "checked", f"{m.path}: {s.name} is not public"
            excluded = [
                a
                for a in ages
                if (s.age_min is not None and a < s.age_min) or (s.age_max is not None and a > s.age_max)
            ]
            if excluded:
                assert _states_age_limit(m.body_markdown, s.age_min, s.age_max), (
                    f"{m.path}: recommends {s.name}, which the help screen does not show at {excluded}"
                )


def test_content_age_check_would_catch_fearless_for_ten_year_olds() -> None:
    assert _referenced("Use **Fearless**: [fearless.org](https://fearless.org).") == {"fearless"}
    assert not _states_age_limit("Use Fearless.", 11, None)
    assert _states_age_limit("If you are 11 or over, use Fearless.", 11, None)
    assert _states_age_limit("Childline, for under-19s.", None, 18)

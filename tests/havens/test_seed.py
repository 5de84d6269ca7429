"""Seeding from content is idempotent, keeps staff edits, and labels places honestly."""

from __future__ import annotations

import httpx

from content.areas import load_all_areas
from content.messages import load_messages
from content.services import load_national_services
from havens.models import Haven, HelpService, KeyMessage
from havens.seed import seed_from_content


async def test_seed_is_idempotent_and_keeps_edits(client: httpx.AsyncClient) -> None:
    # the app's lifespan has already seeded once
    havens, services, messages = (
        await Haven.all().count(),
        await HelpService.all().count(),
        await KeyMessage.all().count(),
    )
    assert services == len(load_national_services()) and messages == len(load_messages())
    assert havens > 0
    lib = await Haven.filter(area="southwark", seed_key__startswith="southwark:library:").first()
    assert lib is not None
    lib.opening_hours = "Mo-Fr 09:00-17:00"
    lib.name = "Edited by staff"
    await lib.save()
    counts = await seed_from_content(areas=load_all_areas(("southwark", "north-london-demo")))
    assert counts == {"havens": 0, "services": 0, "messages": 0}
    assert await Haven.all().count() == havens
    again = await Haven.get(id=lib.id)
    assert again.name == "Edited by staff" and again.opening_hours == "Mo-Fr 09:00-17:00"


async def test_seeded_places_are_flagged_public_places(client: httpx.AsyncClient) -> None:
    places = await Haven.all()
    assert {h.kind for h in places} == {"public_place"}
    assert all(h.needs_verification and h.verified_at is not None and h.source for h in places)
    walworth = await Haven.get(name="Walworth Police Station")
    assert walworth.opening_hours == "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH unknown"
    assert (await Haven.get(name="Guy's Hospital")).opening_hours is None  # hours not stated: unknown
    blue_anchor = await Haven.get(name="Blue Anchor Library")
    assert blue_anchor.opening_hours is not None and "We off" in blue_anchor.opening_hours
    assert not await Haven.filter(name__icontains="No.1 London Bridge").exists()  # no coordinates: not placed


async def test_unverified_services_are_seeded_but_flagged(client: httpx.AsyncClient) -> None:
    samaritans = await HelpService.get(seed_key="national:samaritans")
    assert samaritans.status == "needs_check" and samaritans.verified_at is None
    childline = await HelpService.get(seed_key="national:childline")
    assert childline.status == "checked" and childline.verified_at is not None
    assert childline.channels == [{"kind": "phone", "value": "0800 1111", "hours": "24/7"}]

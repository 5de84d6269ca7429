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
    assert counts == {"unverified": 0, "havens": 0, "services": 0, "messages": 0}
    assert await Haven.all().count() == havens
    again = await Haven.get(id=lib.id)
    assert again.name == "Edited by staff" and again.opening_hours == "Mo-Fr 09:00-17:00"


async def test_seeded_places_are_flagged_public_places(client: httpx.AsyncClient) -> None:
    places = await Haven.all()
    assert {h.kind for h in places} == {"public_place"}
    # nobody has verified a seeded place: no verified_at, but the source's own date and name
    assert all(h.needs_verification and h.verified_at is None and h.source and h.source_date for h in places)
    library = await Haven.filter(seed_key__startswith="southwark:library:").first()
    assert library is not None and (library.source_date, library.source_name) == (
        "2022",
        "Arts Council England",
    )
    assert "2022" in library.caveat
    walworth = await Haven.get(name="Walworth Police Station")
    assert walworth.opening_hours == "Mo-Fr 10:00-22:00; Sa,Su 09:00-19:00; PH unknown"
    guys = await Haven.get(name="Guy's Hospital")
    assert guys.opening_hours is None  # hours not stated: unknown
    assert "No A&E" in guys.caveat and "NOT verified" in guys.caveat  # the seed's own doubts reach the public
    assert "find_string" not in guys.caveat and "general knowledge" not in guys.caveat
    assert (
        "walk-in status NOT re-verified" in (await Haven.get(name__startswith="Lister Health Centre")).caveat
    )
    blue_anchor = await Haven.get(name="Blue Anchor Library")
    assert blue_anchor.opening_hours is not None and "We off" in blue_anchor.opening_hours
    assert not await Haven.filter(name__icontains="No.1 London Bridge").exists()  # no coordinates: not placed


async def test_unverified_services_are_seeded_but_flagged(client: httpx.AsyncClient) -> None:
    samaritans = await HelpService.get(seed_key="national:samaritans")
    assert samaritans.status == "needs_check" and samaritans.verified_at is None
    childline = await HelpService.get(seed_key="national:childline")
    # checked against named pages on the staged day (dated evidence), but not yet verified by council staff
    assert childline.status == "checked" and childline.verified_at is None
    assert childline.source_date == "2026-11-25" and "learning.nspcc.org.uk" in childline.evidence
    for slug in ("emergency-999", "police-101"):
        assert (await HelpService.get(seed_key=f"national:{slug}")).source_date == "2026-11-25"
    assert childline.channels == [{"kind": "phone", "value": "0800 1111", "hours": "24/7"}]


async def test_seed_clears_verified_at_it_had_invented(client: httpx.AsyncClient) -> None:
    """Rows seeded by earlier versions carried the source's date as verified_at; nobody had verified them."""
    from datetime import UTC, datetime

    lib = await Haven.filter(seed_key__startswith="southwark:library:").first()
    assert lib is not None
    invented = datetime(2022, 1, 1, 12, tzinfo=UTC)
    await Haven.filter(id=lib.id).update(verified_at=invented, source_date="", caveat="")
    checked = await Haven.filter(seed_key__startswith="southwark:library:").offset(1).first()
    assert checked is not None
    await Haven.filter(id=checked.id).update(verified_at=invented, verified_by=7)  # a real staff check
    counts = await seed_from_content(areas=load_all_areas(("southwark",)))
    assert counts["unverified"] == 1
    again = await Haven.get(id=lib.id)
    assert again.verified_at is None and again.source_date == "2022" and again.caveat
    assert (await Haven.get(id=checked.id)).verified_at == invented

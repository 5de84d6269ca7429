"""One type per body: the model that checks a body is the schema /openapi.json shows, and its errors are
sentences a person can act on, placed beside the field they are about."""

from __future__ import annotations

import importlib
import pkgutil

import httpx

import backend
import havens
from backend.accounts.models import User
from backend.bodies import Body
from tests.support.staff import TEST_PASSWORD, login_as


def _bodies() -> list[type[Body]]:
    for package in (backend, havens):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if module.name.endswith("bodies"):
                importlib.import_module(module.name)
    found: list[type[Body]] = []
    stack = list(Body.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def test_every_body_field_has_words_a_person_reads() -> None:
    bodies = _bodies()
    assert {"HavenDraft", "SafePlaceApplicationBody", "FinishTimeRules"} <= {b.__name__ for b in bodies}
    untitled = [f"{b.__name__}.{name}" for b in bodies for name, f in b.model_fields.items() if not f.title]
    assert untitled == []


async def test_the_documented_login_body_is_the_one_that_is_checked(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/openapi.json")).json()
    schema = doc["paths"]["/api/v1/auth/login"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert schema["additionalProperties"] is False and set(schema["required"]) == {"email", "password"}
    longest = schema["properties"]["email"]["maxLength"]
    too_long = await client.post("/api/v1/auth/login", json={"email": "a" * (longest + 1), "password": "x"})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["message"] == "Give your email address."
    just_right = await client.post("/api/v1/auth/login", json={"email": "a" * longest, "password": "x"})
    assert just_right.status_code == 401  # checked as a sign-in: no such account


async def test_wrong_types_and_unknown_fields_answer_in_one_format(client: httpx.AsyncClient) -> None:
    numbers = await client.post("/api/v1/auth/login", json={"email": 5, "password": 7})
    error = numbers.json()["error"]
    assert numbers.status_code == 422 and error["code"] == "invalid_input"
    assert error["message"] == "2 answers need fixing. First: Give your email address."
    assert [(e["path"], e["message"]) for e in error["details"]["errors"]] == [
        ("/email", "Give your email address."),
        ("/password", "Give your password."),
    ]
    extra = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.test", "password": "x", "role": "admin"}
    )
    assert extra.status_code == 422 and extra.json()["error"]["code"] == "unknown_fields"
    assert [e["field"] for e in extra.json()["error"]["details"]["errors"]] == ["role"]


async def test_a_missing_field_is_named_in_words_and_changes_nothing(client: httpx.AsyncClient) -> None:
    staff = await login_as(client, role="editor")
    before = (await User.get(id=staff.id)).password_hash
    missing = await client.post("/api/v1/auth/password", json={"current_password": TEST_PASSWORD})
    assert missing.status_code == 422
    assert missing.json()["error"]["message"] == "New password is needed."
    assert "new_password" not in missing.json()["error"]["message"]
    assert (await User.get(id=staff.id)).password_hash == before
    as_text = await client.post("/api/v1/auth/totp", json={"password": TEST_PASSWORD, "enabled": "no"})
    assert as_text.status_code == 422
    assert as_text.json()["error"]["message"] == "Choose whether the second step at sign-in is on or off."


async def test_a_hotspot_keeps_its_area_and_its_shape_rules(client: httpx.AsyncClient) -> None:
    from backend.hotspots.models import Hotspot

    await login_as(client, role="officer", areas=("north-london-demo",))
    made = await client.post(
        "/api/v1/admin/hotspots",
        json={"area": "north-london-demo", "lat": 51.6, "lon": -0.11, "radius_m": 80},
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/admin/hotspots/{made.json()['id']}"
    moved = await client.patch(url, json={"area": "southwark"})
    assert moved.status_code == 422
    assert moved.json()["error"]["message"] == "A hotspot's area cannot change; delete and recreate it."
    assert moved.json()["error"]["details"]["field"] == "area"
    for window, sentence in (
        ({"start": "15:00\n", "end": "16:00"}, "Type the start and end as 24-hour times, like 15:00."),
        ({"start": "15:00", "end": "15:00"}, "The start and end times must be different."),
        ({"days": [8], "start": "15:00", "end": "16:00"}, "Tick at least one day the hotspot applies."),
    ):
        bad = await client.patch(url, json={"windows": [window]})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_hotspot", bad.text
        assert bad.json()["error"]["message"] == sentence
    stored = await Hotspot.get(id=made.json()["id"])
    assert stored.area == "north-london-demo" and stored.windows == []


async def test_a_push_subscription_with_broken_keys_is_told_to_turn_notices_on_again(
    client: httpx.AsyncClient,
) -> None:
    from backend.alerts.models import Subscription

    r = await client.post(
        "/api/v1/push/subscriptions",
        json={
            "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x",
            "keys": {"p256dh": "BA" + "A" * 85, "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
            "topics": ["school:100823"],
        },
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_keys"
    assert "turn notices off and on again" in r.json()["error"]["message"]
    assert r.json()["error"]["details"]["errors"][0]["path"] == "/keys/p256dh"
    assert await Subscription.all().count() == 0


async def test_the_planner_reads_its_day_like_every_other_date(client: httpx.AsyncClient) -> None:
    """`date.fromisoformat` also reads "20261201" and "2026-W49-2"; the one date reader does not."""
    await login_as(client, role="officer", areas=("north-london-demo",))
    for loose in ("20261201", "2026-W49-2", "２０２６-12-01"):
        r = await client.post(
            "/api/v1/admin/insights/planner", json={"area": "north-london-demo", "date": loose}
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_date", (loose, r.text)
        assert r.json()["error"]["message"] == "Choose a date from the calendar."
        flows = await client.get(
            "/api/v1/admin/insights/flows", params={"area": "north-london-demo", "date": loose}
        )
        assert flows.status_code == 422, (loose, flows.text)

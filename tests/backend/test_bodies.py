"""One type per body: the model that checks a body is the schema /openapi.json shows, and its errors are
sentences a person can act on, placed beside the field they are about."""

from __future__ import annotations

import importlib
import pkgutil

import httpx

import backend
from backend.accounts.models import User
from backend.bodies import Body
from tests.support.staff import TEST_PASSWORD, login_as


def _bodies() -> list[type[Body]]:
    for module in pkgutil.walk_packages(backend.__path__, "backend."):
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
    assert len(bodies) >= 4
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

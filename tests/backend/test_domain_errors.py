"""Every error a domain raises reaches the client as a clear 4xx/503 with its sentence, never as a 500."""

from __future__ import annotations

import importlib
import pkgutil

import httpx

import backend
from backend.domain_errors import DomainError
from backend.errors import DOMAIN_STATUS


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _all_subclasses(sub)
    return found


def test_every_domain_error_class_has_an_http_status() -> None:
    for module in pkgutil.walk_packages(backend.__path__, "backend."):
        if module.name.endswith(".errors"):
            importlib.import_module(module.name)
    leaves = {cls for cls in _all_subclasses(DomainError) if not cls.__subclasses__()}
    unmapped = sorted(
        cls.__qualname__ for cls in leaves if not any(issubclass(cls, k) for k in DOMAIN_STATUS)
    )
    assert unmapped == []
    assert {400 <= status < 600 for status in DOMAIN_STATUS.values()} == {True}


async def test_sign_in_errors_from_the_accounts_domain_keep_their_status_and_words(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.post("/api/v1/auth/login", json={"email": "", "password": "x"})
    assert missing.status_code == 422
    assert missing.json()["error"]["message"] == "Give your email address."
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.org", "password": "not it"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "The email or password is not right."
    signed_out = await client.get("/api/v1/admin/notices")
    assert signed_out.status_code == 401
    assert signed_out.json()["error"]["code"] == "not_authenticated"

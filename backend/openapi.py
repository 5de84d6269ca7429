"""/openapi.json, generated from the `@doc(...)` metadata each endpoint carries.

Keeping the description next to the handler means a new route cannot ship undocumented: a test checks that every
API route has @doc, and schemathesis checks the responses against these schemas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route

from backend.bodies import Body
from backend.responses import JSONResponse

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}
STANDARD_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429)


def doc(
    *,
    summary: str,
    tags: list[str] | None = None,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | type[Body] | None = None,
    responses: dict[int, Any] | None = None,
    security: str | None = None,
    description: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach OpenAPI metadata to an endpoint. `responses` maps status -> JSON schema, "error" or None (no body)."""

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        func.__openapi__ = {  # type: ignore[attr-defined]
            "summary": summary,
            "tags": tags or [],
            "params": params or [],
            "body": body,
            "responses": responses or {200: {"type": "object"}},
            "security": security,
            "description": description,
        }
        return func

    return mark


def _walk(routes: Iterable[BaseRoute], prefix: str = "") -> Iterable[tuple[str, Route]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(route.routes or [], prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def body_schema(body: dict[str, Any] | type[Body], components: dict[str, Any]) -> dict[str, Any]:
    """A body's JSON Schema; a model's nested types go to `components` (the document's shared schemas)."""
    if isinstance(body, dict):
        return body
    schema = body.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    return schema


def _operation(meta: dict[str, Any], path: str, components: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": meta["summary"], "tags": meta["tags"], "responses": {}}
    if meta["description"]:
        op["description"] = meta["description"]
    params = list(meta["params"])
    for name in re.findall(r"{([^}:]+)(?::[^}]+)?}", path):
        if not any(p["name"] == name and p.get("in") == "path" for p in params):
            params.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
    if params:
        op["parameters"] = [{"in": "query", **p} for p in params]
    if meta["body"] is not None:
        schema = body_schema(meta["body"], components)
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    if meta["security"]:
        op["security"] = [{"staffSession": []}]
    for status, schema in meta["responses"].items():
        if schema == "error":
            op["responses"][str(status)] = {"$ref": "#/components/responses/Error"}
        elif schema is None:
            op["responses"][str(status)] = {"description": "No content"}
        else:
            op["responses"][str(status)] = {
                "description": "OK" if int(status) < 300 else "See body",
                "content": {schema.get("x-media-type", "application/json"): {"schema": schema}},
            }
    for status in STANDARD_ERRORS:
        op["responses"].setdefault(str(status), {"$ref": "#/components/responses/Error"})
    return op


def build_openapi(routes: Iterable[BaseRoute], *, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for path, route in _walk(routes):
        meta = getattr(route.endpoint, "__openapi__", None)
        if meta is None:
            continue
        clean = re.sub(r"{([^}:]+):[^}]+}", r"{\1}", path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            paths.setdefault(clean, {})[method.lower()] = _operation(meta, path, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "WayHome API",
            "version": version,
            "description": "Safer routes home from school, CitySafe Havens, help and alerts. See docs/API.md.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "securitySchemes": {
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "__Host-wayhome_session"}
            },
        },
    }


def undocumented_routes(routes: Iterable[BaseRoute]) -> list[str]:
    return [p for p, r in _walk(routes) if p.startswith("/api/") and not hasattr(r.endpoint, "__openapi__")]


@doc(summary="This OpenAPI document", tags=["meta"])
async def openapi_json(request: Request) -> JSONResponse:
    cached = getattr(request.app.state, "openapi_document", None)
    if cached is None:
        cached = build_openapi(request.app.routes, version="1.0.0")
        request.app.state.openapi_document = cached
    return JSONResponse(cached)

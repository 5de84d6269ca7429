"""The application factory: `create_app(settings)`; `app` is what gunicorn/uvicorn serve."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from backend.accounts.addresses import parse_networks
from backend.api import api_routes
from backend.errors import EXCEPTION_HANDLERS
from backend.lifespan import make_lifespan
from backend.logs import configure_logging
from backend.middleware import SecurityMiddleware
from backend.openapi import openapi_json
from backend.ratelimit.middleware import RateLimitMiddleware
from backend.settings import Settings


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    parse_networks(settings.trusted_proxies)  # a typo in WAYHOME_TRUSTED_PROXIES stops start-up
    routes = [
        *api_routes(),
        Route("/openapi.json", openapi_json, methods=["GET"]),
    ]
    if settings.pwa_dir.is_dir():
        routes.append(Mount("/", app=StaticFiles(directory=settings.pwa_dir, html=True), name="pwa"))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityMiddleware, settings=settings),
            Middleware(GZipMiddleware, minimum_size=800),
            Middleware(RateLimitMiddleware, settings=settings),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=make_lifespan(settings),
    )
    app.state.settings = settings
    return app


def __getattr__(name: str) -> Starlette:
    """`backend.app:app` builds the app from the environment only when a server asks for it."""
    if name == "app":
        return create_app()
    raise AttributeError(name)

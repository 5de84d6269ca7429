"""One Wood Green router per session, built (incrementally) into the shared test build dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.directions import area_sources
from content.areas import load_area
from routing.build import build_area
from routing.router import Router
from tests.conftest import SHARED_BUILD_DIR


@pytest.fixture(scope="session")
def wood_green() -> Router:
    area = load_area("north-london-demo")
    out: Path = SHARED_BUILD_DIR / area.slug
    build_area(area_sources(area), out)
    return Router.load(out, slug=area.slug)

"""`wayhome plan patrol --area SLUG --out DIR`: one command writes the printable plan (HTML and PDF)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from backend.settings import ROOT, Settings
from tests.conftest import SHARED_BUILD_DIR
from tests.insights.conftest import FINISH
from tests.support.staff import login_as


def plan_patrol(settings: Settings, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "WAYHOME_VAR_DIR": str(settings.var_dir),
           "WAYHOME_SECRET_KEY": settings.secret_key, "WAYHOME_BUILD_DIR": str(SHARED_BUILD_DIR)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "plan", "patrol", "--area", "north-london-demo", "--out", str(out), *extra],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip


async def test_one_command_writes_html_and_pdf(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    empty = plan_patrol(settings, out)
    assert empty.returncode == 1 and "Enter them under Finish times" in empty.stderr
    await login_as(client, role="officer", areas=("north-london-demo",), schools=())
    for urn, time in FINISH.items():
        body = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "finish": time}]}
        assert (await client.put(f"/api/v1/admin/schools/{urn}/finish-times", json=body)).status_code == 200
    done = plan_patrol(settings, out)
    assert done.returncode == 0, done.stderr
    html = next(out.glob("patrol-plan-north-london-demo-*.html")).read_text()
    pdf = next(out.glob("patrol-plan-north-london-demo-*.pdf")).read_bytes()
    notice = next(out.glob("*-notice.txt")).read_text()
    assert "@media print" in html and "<svg" in html and "Patrol points" in html
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    assert notice.startswith("Police patrols after school on") and "999" in notice
    assert "points, a" in done.stdout and "Wrote" in done.stdout
    assert "15:00" in done.stdout  # the default window starts at the first finish time

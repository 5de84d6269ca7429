"""`wayhome data crimes import|fetch` and `wayhome data aggregates import` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backend.settings import ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"


def _wayhome(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "WAYHOME_VAR_DIR": str(settings.var_dir),
        "WAYHOME_BUILD_DIR": str(settings.build_dir),
        "WAYHOME_SECRET_KEY": settings.secret_key,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        env=environment, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_import_reports_each_file_and_publishes_the_surface(settings: Settings) -> None:
    done = _wayhome(
        settings, "data", "crimes", "import", "--area", "southwark",
        str(FIXTURES / "policeuk_2018-06_E05011095_derived.csv"), str(FIXTURES / "testfixture_duplicate_crime_id.csv"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("policeuk_2018-06_E05011095_derived.csv: ") and "for 2018-06" in lines[0]
    assert lines[1] == (
        "testfixture_duplicate_crime_id.csv: 2 crimes added for 2026-01 (1 already held, 0 outside the area)"
    )
    assert lines[2].startswith("southwark: risk surface revision 1 published; uses ")
    # a recent month brings the point layer in (the 2018 month decays to almost nothing at a 12-month half-life)
    assert "police.uk street-level crimes (2018-06..2026-01)" in lines[2]
    assert (Path(settings.var_dir) / "surfaces" / "southwark" / "surface-1.npz").exists()
    again = _wayhome(settings, "data", "crimes", "import", "--area", "southwark",
                     str(FIXTURES / "testfixture_duplicate_crime_id.csv"))  # fmt: skip
    assert again.returncode == 0 and "already imported" in again.stdout


def test_a_bad_file_is_refused_whole_with_row_errors(settings: Settings) -> None:
    bad = _wayhome(settings, "data", "crimes", "import", "--area", "southwark",
                   str(FIXTURES / "testfixture_malformed_coordinate.csv"))  # fmt: skip
    assert bad.returncode == 1
    assert "nothing imported, 1 problem(s)" in bad.stderr
    assert "row 3, Longitude: Longitude must be a number between -180 and 180." in bad.stderr
    assert "published" not in bad.stdout


def test_fetch_offline_is_skipped_with_one_clear_line(settings: Settings) -> None:
    # Port 9 on loopback refuses connections: what an offline server sees.
    done = _wayhome(settings, "data", "crimes", "fetch", "--area", "southwark", "--months", "2",
                    WAYHOME_POLICEUK_API="https://127.0.0.1:9/api", WAYHOME_POLICEUK_ALLOW_LOOPBACK="1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == [
        "southwark: police.uk cannot be reached, so no crimes were fetched (run this again when online)."
    ]
    assert done.stderr == ""


def test_fetch_from_a_private_address_is_refused_by_the_outbound_guard(settings: Settings) -> None:
    done = _wayhome(settings, "data", "crimes", "fetch", "--area", "southwark",
                    WAYHOME_POLICEUK_API="https://10.20.30.40/api")  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "southwark: the outbound guard refused the police.uk address: This address points to a private network "
        "address, which WayHome never contacts. Give the public web address (starting https://). "
        "Nothing was imported."
    ]


def test_aggregate_files_import_with_suppression_reported(settings: Settings) -> None:
    done = _wayhome(settings, "data", "aggregates", "import", "--area", "southwark", "--source", "ambulance",
                    str(FIXTURES / "testfixture_lsoa_counts.csv"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    first = done.stdout.strip().splitlines()[0]
    assert (
        first
        == "testfixture_lsoa_counts.csv: 2 cells for 2025-11 (1 under 5, never shown; 9 outside the area)"
    )


def test_fetch_reads_months_from_a_police_uk_compatible_server(settings: Settings) -> None:
    """A loopback server answering like the police.uk API, with the real June 2018 ward response."""
    from tests.support.policeuk import policeuk_server

    with policeuk_server() as police:
        done = _wayhome(settings, "data", "crimes", "fetch", "--area", "southwark", "--months", "1",
                        WAYHOME_POLICEUK_API=police.base, WAYHOME_POLICEUK_ALLOW_LOOPBACK="1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert police.forms and police.forms[0]["date"] == ["2018-06"]
    poly = police.forms[0]["poly"][0].split(":")
    assert 4 <= len(poly) <= 101 and all(51.3 < float(p.split(",")[0]) < 51.6 for p in poly)
    lines = done.stdout.strip().splitlines()
    assert (
        lines[0].startswith("police.uk-api-southwark-2018-06.json: ")
        and "crimes added for 2018-06" in lines[0]
    )
    assert lines[1].startswith("southwark: risk surface revision 1 published")

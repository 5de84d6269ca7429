"""The national help-services seed: needs mapped, contact details exactly as the staged file states."""

from __future__ import annotations

import csv
from pathlib import Path

from content.services import NATIONAL_CSV, NEEDS, load_national_services

SHARED = Path("/work/shared/data/help_services_national.csv")


def test_seed_rows_match_the_staged_file_values() -> None:
    seeds = {s.name: s for s in load_national_services()}
    with NATIONAL_CSV.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(seeds)
    for row in rows:
        seed = seeds[row["name"]]
        value = seed.channels[0].value
        assert value == row["value"] or value == "https://" + row["value"]
        assert seed.status == ("needs_check" if row["status"] == "needs_check" else "checked")
        assert set(seed.needs) <= set(NEEDS)
    if SHARED.exists():  # the copy must not add or change any contact detail
        with SHARED.open(newline="") as fh:
            shared = {r["name"]: r for r in csv.DictReader(fh)}
        for row in rows:
            assert {k: row[k] for k in shared[row["name"]]} == shared[row["name"]]


def test_needs_check_rows_are_not_verified() -> None:
    for s in load_national_services():
        assert (s.checked_on is None) == (s.status == "needs_check")
    by_slug = {s.slug: s for s in load_national_services()}
    assert by_slug["samaritans"].status == "needs_check"
    assert by_slug["police-101"].needs == ("victim_of_crime", "worried_about_friend")
    assert "parent_carer_worried" in by_slug["victim-support"].needs


def test_the_cached_national_seed_follows_an_edit_of_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Nearest-Havens answers read the seed through a cache: an edited file must show at once, not after a restart."""
    import os

    from content.services import national_services_cached

    copy = tmp_path / "services_national.csv"
    lines = NATIONAL_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join(lines), encoding="utf-8")
    first = national_services_cached(copy)
    assert national_services_cached(copy) is first, "an unchanged file is not parsed again"
    copy.write_text("".join(lines[:-1]), encoding="utf-8")  # an editor removes the last service
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [s.slug for s in national_services_cached(copy)] == [s.slug for s in first][:-1]

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

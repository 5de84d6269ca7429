"""Every shipped message has an owner (a role), sources and a review date; reviews are recorded honestly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from content.messages import REVIEWER_ROLES, MessageDataError, load_messages, parse_message
from content.services import load_national_services

HEAD = "---\ntitle: T\ntopic: a-b\ntier: 14-17\nversion: 1\n"


def test_content_every_message_has_sources_owner_and_review_date() -> None:
    for m in load_messages():
        assert m.sources, f"{m.path}: no sources"
        assert m.owner in REVIEWER_ROLES, f"{m.path}: owner must be a role"
        assert m.review_by is not None, f"{m.path}: no review date"
        if m.reviewed_on is not None:  # a real review: by a role, and the next one due later
            assert m.reviewed_by in REVIEWER_ROLES and m.review_by > m.reviewed_on, m.path


def test_content_unreviewed_messages_are_due_now() -> None:
    """Nobody has reviewed this round's text yet: the console must show every message as due."""
    today = date(2026, 12, 1)
    for m in load_messages():
        assert m.reviewed_on is None and m.reviewed_by == "", f"{m.path}: only record a review that happened"
        assert m.review_due(today=today), m.path


def test_content_service_sources_name_checked_services() -> None:
    checked = {s.slug for s in load_national_services() if s.status == "checked"}
    for m in load_messages():
        for source in m.sources:
            if source.startswith("services:"):
                assert source.removeprefix("services:") in checked, (
                    f"{m.path}: {source} is not a checked service"
                )
            else:
                assert source.startswith(("https://", "http://", "claims:")), f"{m.path}: {source}"


@pytest.mark.parametrize(
    ("front", "error"),
    [
        ("reviewed_by: Jane Smith\nreviewed_on: 2026-11-30\n", "roles"),  # a name, not a role
        ("reviewed_by: Safer Schools officer\n", "go together"),  # a reviewer with no day
        ("reviewed_on: 2026-11-30\n", "go together"),  # a day with no reviewer
        ("review_by: next year\n", "date"),
        ("owner: Bob\n", "roles"),
        ("sources:\n  - https://a.example\n   bad indent\n", "bad front matter"),
    ],
)
def test_content_bad_review_metadata_is_rejected(tmp_path: Path, front: str, error: str) -> None:
    with pytest.raises(MessageDataError, match=error):
        parse_message(HEAD + front + "---\nBody", path=tmp_path / "a-b.md")


def test_content_review_metadata_parses(tmp_path: Path) -> None:
    seed = parse_message(
        HEAD
        + "owner: Designated safeguarding lead\nreviewed_by: Safer Schools officer\nreviewed_on: 2026-11-30\n"
        "review_by: 2027-11-30\nsources:\n  - https://www.legislation.gov.uk/ukpga/1988/33/section/139\n"
        "  - services:childline\n---\nBody",
        path=tmp_path / "a-b.md",
    )
    assert seed.sources == ("https://www.legislation.gov.uk/ukpga/1988/33/section/139", "services:childline")
    assert seed.reviewed_on == date(2026, 11, 30) and seed.review_by == date(2027, 11, 30)
    assert not seed.review_due(today=date(2027, 1, 1)) and seed.review_due(today=date(2027, 11, 30))

"""Key message files: every tier has every core topic; links and phone numbers are well formed and real."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.messages import (
    CORE_TOPICS,
    TIERS,
    MessageDataError,
    links_in,
    load_messages,
    numbers_in,
    parse_message,
    tier_for_age,
)
from content.services import is_valid_phone, is_valid_url, load_national_services, valid_channel_value


def test_every_tier_has_every_core_topic() -> None:
    seeds = load_messages()
    have = {(m.tier, m.topic) for m in seeds}
    missing = [(t, topic) for t in TIERS for topic in CORE_TOPICS if (t, topic) not in have]
    assert missing == []
    assert all(m.title and m.body_markdown.strip() and m.version >= 1 for m in seeds)


def test_links_are_https_and_well_formed() -> None:
    links = [link for m in load_messages() for link in links_in(m.body_markdown)]
    assert links, "messages should point to where help is"
    bad = [link for link in links if not is_valid_url(link)]
    assert bad == []


def test_every_number_is_well_formed_and_comes_from_a_checked_service() -> None:
    checked = {c.value for s in load_national_services() if s.status == "checked" for c in s.channels}
    for m in load_messages():
        for number in numbers_in(m.body_markdown):
            assert valid_channel_value("phone", number) or valid_channel_value("text", number), (
                m.path,
                number,
            )
            assert number in checked, f"{m.path}: {number} is not a checked service number"


def test_core_facts_are_stated() -> None:
    by_key = {(m.tier, m.topic): m.body_markdown for m in load_messages()}
    for tier in TIERS:
        law = by_key[(tier, "law-and-consequences")]
        assert "3 inches" in law
        # the maximum sentence is stated from 14 up; for 10-13 it was a scare line and is left out
        assert ("4 years" in law) == (tier != "10-13"), tier
        assert "999" in by_key[(tier, "first-aid-bleeding")]
        assert "999" in by_key[(tier, "where-to-get-help")]
    young = by_key[("10-13", "why-people-carry")]
    assert "never" in young.lower()  # normative: most young people never carry


def test_young_tier_reads_simply() -> None:
    """A rough reading-age check for 10-13: short sentences and short words."""
    for m in load_messages():
        if m.tier != "10-13":
            continue
        words = [w for w in m.body_markdown.replace("\n", " ").split() if w.strip("*-#.,:;!?()[]")]
        sentences = max(1, sum(m.body_markdown.count(p) for p in (". ", ".\n", "! ", "?")))
        assert len(words) / sentences < 20, m.path
        assert sum(len(w) for w in words) / len(words) < 5.5, m.path


def test_tier_for_age_boundaries() -> None:
    assert [tier_for_age(a) for a in (9, 10, 13, 14, 17, 18, 24, 25)] == [
        None, "10-13", "10-13", "14-17", "14-17", "18-24", "18-24", None]  # fmt: skip


def test_bad_files_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(MessageDataError):
        parse_message("no front matter", path=tmp_path / "x.md")
    with pytest.raises(MessageDataError):
        parse_message("---\ntitle: t\ntopic: x\ntier: 99-100\nversion: 1\n---\nbody", path=tmp_path / "x.md")
    ok = parse_message(
        "---\ntitle: T\ntopic: a-b\ntier: 14-17\nversion: 2\n---\nHello", path=tmp_path / "a-b.md"
    )
    assert ok.version == 2 and ok.body_markdown == "Hello\n"


def test_phone_and_url_checks_reject_malformed_values() -> None:
    assert is_valid_phone("0800 1111") and is_valid_phone("999") and is_valid_phone("08 08 16 89 111")
    assert not is_valid_phone("0800 11") and not is_valid_phone("call us") and not is_valid_phone("12345")
    assert not is_valid_url("http://example.org") and not is_valid_url("https://nodot")

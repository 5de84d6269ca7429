"""Every law message cites its sections, and the statements that were found wrong are now right."""

from __future__ import annotations

import re

import pytest

from content.messages import LAW_SECTION_URL_RE, LAW_TOPICS, load_messages

LAW = [m for m in load_messages() if m.topic in LAW_TOPICS]
CJA = "https://www.legislation.gov.uk/ukpga/1988/33/section/"
# Wording that stated the law wrongly; it must not come back.
WRONG = [
    (r"any knife, even a small folding one, on school", "s.139A covers only articles to which s.139 applies"),
    (
        r"but not on school premises, where carrying any blade",
        "s.139A excludes small non-locking folding knives",
    ),
    (r"s\.139A covers any bladed article, including small folding knives", "s.139A follows s.139(2)-(3)"),
    (
        r"Carrying a knife in school is also against the law\.",
        "not every knife: small folding knives are outside",
    ),
    (r"blade under 3 inches", "the Act says a cutting edge of 3 inches or less"),
    (r"Education Act 1996, s\.550AA\)\s*$", "s.550AA is Wales; England's power is s.550ZA"),
    (r"Shops must not sell knives", "the sale ban binds any seller, not only shops"),
    (r"illegal for shops to sell", "the sale ban binds any seller, not only shops"),
    (r"shows up on criminal record checks", "spent and unspent convictions differ"),
    (r"Nobody will know it was you", "anonymous reporting cannot promise that"),
]


def test_content_every_law_message_cites_legislation_sections() -> None:
    assert LAW, "there are law messages"
    for m in LAW:
        sections = [s for s in m.sources if LAW_SECTION_URL_RE.match(s)]
        assert sections, f"{m.path}: no legislation.gov.uk section link in sources"
        assert CJA + "139" in sections, f"{m.path}: the carrying offence is s.139 CJA 1988"
        others = [s for s in m.sources if s not in sections]
        assert others == [], f"{m.path}: law sources must be legislation.gov.uk section links: {others}"


def test_content_section_url_pattern_rejects_non_sections() -> None:
    assert LAW_SECTION_URL_RE.match(CJA + "139A") and LAW_SECTION_URL_RE.match(CJA + "139AA")
    for bad in (
        "https://www.legislation.gov.uk/ukpga/1988/33",
        "http://www.legislation.gov.uk/ukpga/1988/33/section/139",
        "https://www.gov.uk/buying-carrying-knives",
    ):
        assert not LAW_SECTION_URL_RE.match(bad), bad


@pytest.mark.parametrize(("pattern", "why"), WRONG)
def test_content_wrong_law_wording_is_gone(pattern: str, why: str) -> None:
    found = [str(m.path) for m in load_messages() if re.search(pattern, m.body_markdown, re.I | re.M)]
    assert found == [], f"{why}: {found}"


def test_content_folding_knife_and_school_premises_are_stated_correctly() -> None:
    for m in LAW:
        body = m.body_markdown.replace("**", "")
        assert re.search(
            r"cutting edge (of 3 inches \(7\.62 cm\) or less|does not exceed 3 inches \(7\.62 cm\))", body
        ), m.path
        assert re.search(r"school can still ban|schools may still ban|may still ban", body), m.path
        if m.tier in ("14-17", "parents-carers", "professionals"):
            assert "139A" in body, f"{m.path}: the school-premises offence is s.139A"
            assert CJA + "139A" in m.sources


def test_content_school_search_power_is_550za_for_england() -> None:
    for m in load_messages():
        body = m.body_markdown
        if "550AA" in body:
            assert re.search(r"550AA[^.]*Wales", body), f"{m.path}: s.550AA is the Welsh power"
        if re.search(r"staff (can|may) search", body):
            assert "550ZA" in body or m.tier == "10-13", m.path
    professionals = next(m for m in LAW if m.tier == "professionals")
    assert "s.550ZA" in professionals.body_markdown and "England" in professionals.body_markdown


def test_content_sale_ban_binds_any_seller_and_has_exceptions() -> None:
    for m in LAW:
        body = m.body_markdown
        sale = re.search(r"[^\n]*\b(sells?|selling|sale)\b[^\n]*", body, re.I)
        assert sale, f"{m.path}: the under-18 sale ban is stated"
        line = sale.group(0)
        assert "18" in line, m.path
        assert re.search(r"\b(any|anyone|nobody|any seller)\b", line, re.I), f"{m.path}: any seller: {line}"
        assert "exception" in line.lower() or "exemption" in line.lower(), f"{m.path}: exceptions: {line}"
        if m.tier != "10-13":
            assert CJA + "141A" in m.sources, m.path


def test_content_stop_search_records_and_anonymity_are_accurate() -> None:
    for m in LAW:
        body = m.body_markdown.lower()
        if "stop and search" in body and m.tier != "10-13":
            assert "section 60" in body or "s.60" in body, f"{m.path}: explain section 60 searches"
        if "record" in body and m.tier != "10-13":
            assert "spent" in body, f"{m.path}: say when a conviction is spent"
    for m in load_messages():
        if "fearless" in m.body_markdown.lower() and m.tier == "10-13":
            assert "not the police" in m.body_markdown or "11 or over" in m.body_markdown, m.path


def test_content_young_law_message_is_normative_not_a_scare() -> None:
    young = next(m for m in LAW if m.tier == "10-13")
    assert young.body_markdown.startswith("Most young people never carry")
    assert "prison" not in young.body_markdown.lower()

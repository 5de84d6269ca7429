"""Loader for age-tiered key messages in content/messages/<tier>/<topic>.md. No web or DB imports.

Each file starts with a small front matter block (`key: value` lines between `---` markers) giving
title, topic, tier and version, and who owns and reviews it: `owner` and `reviewed_by` are roles (never a
person's name), `reviewed_on` is the day a review really happened (empty until one has), `review_by` the day the
next review is due, and `sources` an indented `- item` list (legislation.gov.uk section links for the law,
`services:<slug>` for help-service facts, `claims:<key>` for what the app does). The rest is Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
TIERS = ("10-13", "14-17", "18-24", "parents-carers", "professionals")
CORE_TOPICS = (
    "why-people-carry",
    "law-and-consequences",
    "if-someone-carries",
    "getting-home-safely",
    "where-to-get-help",
    "first-aid-bleeding",
)
LAW_TOPICS = ("law-and-consequences",)
# Roles that may own or review a message; a role, never a person's name, is kept in the repository.
REVIEWER_ROLES = (
    "Safer Schools officer",
    "Designated safeguarding lead",
    "Council community safety officer",
    "Council legal services",
    "Youth service manager",
)
REVIEW_INTERVAL = timedelta(days=365)
LAW_SECTION_URL_RE = re.compile(
    r"^https://www\.legislation\.gov\.uk/ukpga/[A-Za-z0-9-]+(?:/[A-Za-z0-9-]+)*/section/[0-9]+[A-Z]*$"
)
TOPIC_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
# UK numbers as they appear in bold in messages: 999, 101, 0800 1111, 08 08 16 89 111, short codes like 85258
PHONE_IN_TEXT_RE = re.compile(r"\*\*((?:\d[\d ]*\d)|\d)\*\*")


class MessageDataError(ValueError):
    """A message file is malformed."""


@dataclass(frozen=True)
class MessageSeed:
    tier: str
    topic: str
    title: str
    version: int
    body_markdown: str
    path: Path
    owner: str = ""
    reviewed_by: str = ""
    reviewed_on: date | None = None
    review_by: date | None = None
    sources: tuple[str, ...] = field(default=())

    @property
    def is_law(self) -> bool:
        return self.topic in LAW_TOPICS

    def review_due(self, *, today: date) -> bool:
        return review_due(reviewed_on=self.reviewed_on, review_by=self.review_by, today=today)


def review_due(*, reviewed_on: date | None, review_by: date | None, today: date) -> bool:
    """Never reviewed, or past the day the next review was due."""
    return reviewed_on is None or review_by is None or review_by <= today


def next_review(reviewed_on: date) -> date:
    return reviewed_on + REVIEW_INTERVAL


def _front_matter(block: str, *, path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """`key: value` lines; a key with an empty value followed by `  - item` lines is a list."""
    meta: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    last_key: str | None = None
    for line in block.splitlines():
        if not line.strip():
            continue
        if line.startswith("  - ") and last_key is not None and not meta.get(last_key):
            lists.setdefault(last_key, []).append(line[4:].strip())
            continue
        key, sep, value = line.partition(":")
        if not sep or line.startswith(" "):
            raise MessageDataError(f"{path}: bad front matter line {line!r}")
        last_key = key.strip()
        meta[last_key] = value.strip()
    return meta, lists


def _date(meta: dict[str, str], key: str, *, path: Path) -> date | None:
    raw = meta.get(key, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise MessageDataError(f"{path}: {key} must be a date like 2026-12-01") from None


def _role(meta: dict[str, str], key: str, *, path: Path) -> str:
    value = meta.get(key, "")
    if value and value not in REVIEWER_ROLES:
        raise MessageDataError(f"{path}: {key} must be one of the roles {', '.join(REVIEWER_ROLES)}")
    return value


def tier_for_age(age: int) -> str | None:
    """Young people's tier for an age (10-24); None outside that range."""
    if 10 <= age <= 13:
        return "10-13"
    if 14 <= age <= 17:
        return "14-17"
    if 18 <= age <= 24:
        return "18-24"
    return None


def parse_message(text: str, *, path: Path) -> MessageSeed:
    m = _FRONT.match(text.replace("\r\n", "\n"))
    if not m:
        raise MessageDataError(f"{path}: missing front matter")
    meta, lists = _front_matter(m.group(1), path=path)
    for key in ("title", "topic", "tier", "version"):
        if not meta.get(key):
            raise MessageDataError(f"{path}: front matter lacks {key}")
    if meta["tier"] not in TIERS:
        raise MessageDataError(f"{path}: unknown tier {meta['tier']!r}")
    if not TOPIC_RE.fullmatch(meta["topic"]):
        raise MessageDataError(f"{path}: topic must be a lower-case slug")
    if not meta["version"].isdigit() or int(meta["version"]) < 1:
        raise MessageDataError(f"{path}: version must be a positive integer")
    body = m.group(2).strip() + "\n"
    reviewed_on = _date(meta, "reviewed_on", path=path)
    reviewed_by = _role(meta, "reviewed_by", path=path)
    if (reviewed_on is None) != (not reviewed_by):
        raise MessageDataError(f"{path}: reviewed_by and reviewed_on go together (both empty until a review)")
    return MessageSeed(
        tier=meta["tier"],
        topic=meta["topic"],
        title=meta["title"],
        version=int(meta["version"]),
        body_markdown=body,
        path=path,
        owner=_role(meta, "owner", path=path),
        reviewed_by=reviewed_by,
        reviewed_on=reviewed_on,
        review_by=_date(meta, "review_by", path=path),
        sources=tuple(lists.get("sources", [])),
    )


def load_messages(root: Path = MESSAGES_DIR) -> list[MessageSeed]:
    """Every message file; the folder and file name must agree with the front matter."""
    seeds: list[MessageSeed] = []
    for path in sorted(root.glob("*/*.md")):
        seed = parse_message(path.read_text(encoding="utf-8"), path=path)
        if seed.tier != path.parent.name or seed.topic != path.stem:
            raise MessageDataError(f"{path}: tier/topic in front matter do not match the file location")
        seeds.append(seed)
    return seeds


def links_in(markdown: str) -> list[str]:
    return [url for _text, url in MD_LINK_RE.findall(markdown)]


def numbers_in(markdown: str) -> list[str]:
    """Bold all-digit runs: how messages write phone numbers and text short codes."""
    return [n.strip() for n in PHONE_IN_TEXT_RE.findall(markdown)]

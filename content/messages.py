"""Loader for age-tiered key messages in content/messages/<tier>/<topic>.md. No web or DB imports.

Each file starts with a small front matter block (`key: value` lines between `---` markers) giving
title, topic, tier and version; the rest is Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise MessageDataError(f"{path}: bad front matter line {line!r}")
        meta[key.strip()] = value.strip()
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
    return MessageSeed(
        tier=meta["tier"],
        topic=meta["topic"],
        title=meta["title"],
        version=int(meta["version"]),
        body_markdown=body,
        path=path,
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

"""Loader for the national help-services seed (content/services/national.csv). No web or DB imports.

Contact details are taken exactly from the file; rows marked `needs_check` are kept but not verified (and not
shown to the public until an editor verifies them). Every `checked` row carries the day it was checked: in its
status (`checked 2026-11-25`) or its `checked_on` column; there is no default day.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SERVICES_DIR = Path(__file__).resolve().parent / "services"
NATIONAL_CSV = SERVICES_DIR / "national.csv"

NEEDS = (
    "in_danger_now",
    "report_anonymously",
    "victim_of_crime",
    "worried_about_friend",
    "want_to_stop_carrying",
    "feeling_low",
    "parent_carer_worried",
)
NEED_ALIASES = {
    "report_crime": "victim_of_crime",
    "worried_about_someone": "worried_about_friend",
    "parent_worried": "parent_carer_worried",
}
CHANNEL_KINDS = ("phone", "text", "web", "walk_in")
_CHECKED = re.compile(r"^checked(?:\s+(\d{4}-\d{2}-\d{2}))?$")
# When nothing for a need fits a person's age, these needs' services are offered instead (in this order), with
# a sentence saying so. e.g. Childline (under 19) is the only listed service for want_to_stop_carrying.
RELATED_NEEDS: dict[str, tuple[str, ...]] = {
    "in_danger_now": ("report_anonymously",),
    "report_anonymously": ("victim_of_crime",),
    "victim_of_crime": ("in_danger_now",),
    "worried_about_friend": ("report_anonymously", "feeling_low"),
    "want_to_stop_carrying": ("feeling_low", "victim_of_crime", "report_anonymously"),
    "feeling_low": ("victim_of_crime",),
    "parent_carer_worried": ("victim_of_crime", "worried_about_friend"),
}
# Used with fullmatch and ASCII digits: `$` lets a trailing newline through and `\d` takes "١٢".
PHONE_RE = re.compile(r"(?:999|101|111|116 ?[0-9]{3}|0(?: ?[0-9]){7,10})")
SHORT_CODE_RE = re.compile(r"[0-9]{5,6}")
URL_RE = re.compile(r"https://[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s]*)?", re.IGNORECASE)


class ServiceDataError(ValueError):
    """The services seed has a row we must not load."""


@dataclass(frozen=True)
class Channel:
    kind: str
    value: str
    hours: str | None  # OSM opening_hours syntax, None = not stated
    hours_text: str


@dataclass(frozen=True)
class ServiceSeed:
    slug: str
    name: str
    needs: tuple[str, ...]
    channels: tuple[Channel, ...]
    age_min: int | None
    age_max: int | None
    website: str
    evidence: str
    status: str  # checked | needs_check
    checked_on: date | None
    source: str
    description: str = field(default="")


def normalise_need(raw: str) -> str:
    need = NEED_ALIASES.get(raw.strip(), raw.strip())
    if need not in NEEDS:
        raise ServiceDataError(f"unknown need {raw!r}")
    return need


def normalise_url(raw: str) -> str:
    """`childline.org.uk` -> `https://childline.org.uk`; empty stays empty."""
    text = raw.strip()
    if not text:
        return ""
    if not re.match(r"^https?://", text, re.IGNORECASE):
        text = "https://" + text
    return text


def is_valid_phone(value: str) -> bool:
    return bool(PHONE_RE.fullmatch(value.strip()))


def is_valid_url(value: str) -> bool:
    return bool(URL_RE.fullmatch(value.strip()))


def valid_channel_value(kind: str, value: str) -> bool:
    """Phone numbers, text short codes and https links must look right; walk-in is free text."""
    if kind == "phone":
        return is_valid_phone(value)
    if kind == "text":
        return bool(SHORT_CODE_RE.fullmatch(value.strip())) or is_valid_phone(value)
    if kind == "web":
        return is_valid_url(value)
    return bool(value.strip())


def hours_from_text(text: str) -> str | None:
    """Only "24/7" (with or without a note) is turned into opening_hours; anything else stays unknown."""
    cleaned = text.strip().lower()
    if cleaned == "24/7" or cleaned.startswith("24/7 "):
        return "24/7"
    return None


def _age(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw else None


def parse_row(row: dict[str, str]) -> ServiceSeed:
    status_raw = row["status"].strip()
    m = _CHECKED.match(status_raw)
    column_day = (row.get("checked_on") or "").strip()
    if m:
        status = "checked"
        day = m.group(1) or column_day
        if not day:
            raise ServiceDataError(f"{row['name']}: a checked row needs the day it was checked")
        if m.group(1) and column_day and column_day != m.group(1):
            raise ServiceDataError(f"{row['name']}: status and checked_on give different days")
        checked_on: date | None = date.fromisoformat(day)
    elif status_raw == "needs_check":
        if column_day:
            raise ServiceDataError(f"{row['name']}: a needs_check row has not been checked")
        status, checked_on = "needs_check", None
    else:
        raise ServiceDataError(f"{row['name']}: unknown status {status_raw!r}")
    kind = row["channel"].strip()
    if kind not in CHANNEL_KINDS:
        raise ServiceDataError(f"{row['name']}: unknown channel {kind!r}")
    value = normalise_url(row["value"]) if kind == "web" else row["value"].strip()
    if not valid_channel_value(kind, value):
        raise ServiceDataError(f"{row['name']}: malformed {kind} {value!r}")
    needs = tuple(dict.fromkeys(normalise_need(n) for n in row["needs"].split(";") if n.strip()))
    return ServiceSeed(
        slug=row["slug"].strip(),
        name=row["name"].strip(),
        description=(row.get("description") or "").strip(),
        needs=needs,
        channels=(
            Channel(kind=kind, value=value, hours=hours_from_text(row["hours"]), hours_text=row["hours"]),
        ),
        age_min=_age(row["age_min"]),
        age_max=_age(row["age_max"]),
        website=normalise_url(row["website"]),
        evidence=row["evidence"].strip(),
        status=status,
        checked_on=checked_on,
        source=row["source"].strip(),
    )


def national_services_cached(path: Path = NATIONAL_CSV) -> tuple[ServiceSeed, ...]:
    """The national seed as last read, read again only when the file changes (every nearest-Havens answer
    carries its escalation contacts: parsing the CSV each time was a millisecond on the event loop)."""
    stamp = path.stat().st_mtime_ns
    hit = _NATIONAL_CACHE.get(path)
    if hit is None or hit[0] != stamp:
        hit = _NATIONAL_CACHE[path] = (stamp, tuple(load_national_services(path)))
    return hit[1]


_NATIONAL_CACHE: dict[Path, tuple[int, tuple[ServiceSeed, ...]]] = {}


def load_national_services(path: Path = NATIONAL_CSV) -> list[ServiceSeed]:
    """All rows of the national seed, validated; raises ServiceDataError on the first bad row."""
    with path.open(newline="", encoding="utf-8") as fh:
        services = [parse_row(row) for row in csv.DictReader(fh)]
    slugs = [s.slug for s in services]
    if len(set(slugs)) != len(slugs):
        raise ServiceDataError("duplicate slug in services seed")
    return services


def service_by_slug(slug: str) -> ServiceSeed | None:
    return next((s for s in load_national_services() if s.slug == slug), None)

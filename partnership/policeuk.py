"""Parse police.uk street-level crimes exactly as police.uk publishes them: monthly CSV files and API JSON.

CSV (data.police.uk/data, one file per force and month): `Crime ID, Month, Reported by, Falls within, Longitude,
Latitude, Location, LSOA code, LSOA name, Crime type, Last outcome category, Context`. API JSON
(`/api/crimes-street/all-crime`): a list of objects with `category`, `location.latitude/longitude`,
`location.street.name`, `month`, `id`, `persistent_id`. Both become the same `CrimeRow`; a row with any problem
is reported with its row number (CSV header = row 1; JSON element 1 = row 1) and the file is refused whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

CSV_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
# police.uk CSV "Crime type" -> the API's category slug (data.police.uk/api/crime-categories).
CSV_CRIME_TYPES: dict[str, str] = {
    "Anti-social behaviour": "anti-social-behaviour",
    "Bicycle theft": "bicycle-theft",
    "Burglary": "burglary",
    "Criminal damage and arson": "criminal-damage-arson",
    "Drugs": "drugs",
    "Other crime": "other-crime",
    "Other theft": "other-theft",
    "Possession of weapons": "possession-of-weapons",
    "Public order": "public-order",
    "Robbery": "robbery",
    "Shoplifting": "shoplifting",
    "Theft from the person": "theft-from-the-person",
    "Vehicle crime": "vehicle-crime",
    "Violence and sexual offences": "violent-crime",
    "Violent crime": "violent-crime",
}
API_CATEGORIES = frozenset(CSV_CRIME_TYPES.values())
MONTH_RE = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
MAX_ERRORS = 200


@dataclass(frozen=True)
class CrimeRow:
    """One street-level crime (police.uk snap point, not the exact place). `crime_id` is empty for ASB rows."""

    row: int
    crime_id: str
    month: str
    category: str
    lat: float
    lon: float
    location: str
    lsoa_code: str


class ParseFailed(Exception):
    """The file was refused whole: `errors` lists {row, field, message} sentences for the officer."""

    def __init__(self, errors: Sequence[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = list(errors)


def _error(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _coordinate(
    text: Any, *, row: int, field: str, lo: float, hi: float, errors: list[dict[str, Any]]
) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:  # also catches NaN and inf
        errors.append(_error(row, field, f"{field} must be a number between {lo:g} and {hi:g}."))
        return 0.0
    return value


def _month(text: Any, *, row: int, field: str, errors: list[dict[str, Any]]) -> str:
    value = str(text or "").strip()
    if not MONTH_RE.fullmatch(value):
        errors.append(_error(row, field, f"{field} must be a month written like 2018-06."))
    return value


def _check_text(value: str) -> str:
    return value.replace("\x00", "").strip()[:200]


def parse_csv(text: str) -> list[CrimeRow]:
    """Rows of one police.uk street-level CSV file; ParseFailed lists every problem (nothing is half-read)."""
    if not text.strip():
        raise ParseFailed(
            [_error(1, "file", "The file is empty: it needs the police.uk header row and crimes.")]
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader)]
    if tuple(header) != CSV_COLUMNS:
        missing = [c for c in CSV_COLUMNS if c not in header]
        detail = f" Missing: {', '.join(missing)}." if missing else " The columns are in a different order."
        raise ParseFailed([_error(1, "header", "This is not a police.uk street-level crime file." + detail)])
    rows: list[CrimeRow] = []
    errors: list[dict[str, Any]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(CSV_COLUMNS):
            errors.append(_error(number, "row", f"Row has {len(cells)} cells; police.uk rows have 12."))
            continue
        cell = dict(zip(CSV_COLUMNS, cells, strict=True))
        before = len(errors)
        month = _month(cell["Month"], row=number, field="Month", errors=errors)
        crime_type = cell["Crime type"].strip()
        category = CSV_CRIME_TYPES.get(crime_type, "")
        if not category:
            errors.append(_error(number, "Crime type", f"'{crime_type[:60]}' is not a police.uk crime type."))
        lat = lon = 0.0
        if not cell["Longitude"].strip() and not cell["Latitude"].strip():
            errors.append(
                _error(number, "Longitude", "The crime has no location (police.uk leaves some blank).")
            )
        else:
            lon = _coordinate(
                cell["Longitude"], row=number, field="Longitude", lo=-180, hi=180, errors=errors
            )
            lat = _coordinate(cell["Latitude"], row=number, field="Latitude", lo=-90, hi=90, errors=errors)
        if len(errors) == before:
            rows.append(
                CrimeRow(
                    row=number,
                    crime_id=_check_text(cell["Crime ID"]),
                    month=month,
                    category=category,
                    lat=lat,
                    lon=lon,
                    location=_check_text(cell["Location"]),
                    lsoa_code=_check_text(cell["LSOA code"])[:16],
                )
            )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ParseFailed(errors)
    if not rows:
        raise ParseFailed([_error(1, "file", "The file has a header but no crimes.")])
    return rows


def parse_api_json(text: str) -> list[CrimeRow]:
    """Crimes from a police.uk API response (`crimes-street`, `crimes-at-location`): a JSON list of objects."""
    if not text.strip():
        raise ParseFailed([_error(1, "file", "The file is empty: it needs a police.uk API response.")])
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        raise ParseFailed([_error(1, "file", "The file is not valid JSON.")]) from None
    if not isinstance(data, list):
        raise ParseFailed([_error(1, "file", "A police.uk crimes response is a list of crimes.")])
    if not data:
        raise ParseFailed([_error(1, "file", "The response lists no crimes.")])
    rows: list[CrimeRow] = []
    errors: list[dict[str, Any]] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(_error(number, "row", "Each crime must be an object."))
            continue
        before = len(errors)
        month = _month(item.get("month"), row=number, field="month", errors=errors)
        category = str(item.get("category") or "")
        if category not in API_CATEGORIES:
            errors.append(_error(number, "category", f"'{category[:60]}' is not a police.uk crime category."))
        location = item.get("location")
        if not isinstance(location, dict):
            errors.append(_error(number, "location", "The crime has no location."))
            location = {}
        lat = _coordinate(
            location.get("latitude"), row=number, field="latitude", lo=-90, hi=90, errors=errors
        )
        lon = _coordinate(
            location.get("longitude"), row=number, field="longitude", lo=-180, hi=180, errors=errors
        )
        street_value = location.get("street")
        street: dict[str, Any] = street_value if isinstance(street_value, dict) else {}
        persistent = str(item.get("persistent_id") or "")
        api_id = item.get("id")
        if not persistent and not (isinstance(api_id, int) and not isinstance(api_id, bool)):
            errors.append(_error(number, "id", "The crime has neither an id nor a persistent_id."))
        if len(errors) == before:
            rows.append(
                CrimeRow(
                    row=number,
                    crime_id=_check_text(persistent) or f"api:{api_id}",
                    month=month,
                    category=category,
                    lat=lat,
                    lon=lon,
                    location=_check_text(str(street.get("name") or "")),
                    lsoa_code="",
                )
            )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ParseFailed(errors)
    return rows


def parse_file(name: str, text: str) -> tuple[str, list[CrimeRow]]:
    """(format, rows): JSON when the text starts like JSON or the name ends .json, else the CSV layout."""
    stripped = text.lstrip("\ufeff \r\n\t")
    if name.lower().endswith(".json") or stripped.startswith(("[", "{")):
        return "policeuk_api", parse_api_json(text)
    return "policeuk_csv", parse_csv(text)


def months_of(rows: Iterable[CrimeRow]) -> list[str]:
    return sorted({r.month for r in rows})

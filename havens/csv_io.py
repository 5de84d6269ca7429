"""CSV import and export of havens and help services.

Import is all-or-nothing: every row is validated first and any error (with its row number, the header being
row 1) rejects the whole file; then every row is written in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection
from typing import Any

from havens.index_cache import invalidate
from havens.models import Haven, HelpService, havens_transaction
from havens.validation import HAVEN_FIELDS, Invalid, clean_haven, clean_service

MAX_ROWS = 5_000
MAX_DB_ID = 2**31 - 1
_ID_TEXT = re.compile(r"[0-9]{1,10}")  # ASCII digits only: "²" and "١٢" pass str.isdigit()
HAVEN_COLUMNS = ("id", *HAVEN_FIELDS, "verified_at")
SERVICE_CHANNEL_KINDS = ("phone", "text", "web", "walk_in")
SERVICE_COLUMNS = (
    "id", "name", "description", "needs", *[c for k in SERVICE_CHANNEL_KINDS for c in (k, f"{k}_hours")],
    "age_min", "age_max", "area", "website", "source", "status", "verified_at",
)  # fmt: skip
_READ_ONLY = {"id", "verified_at"}
# OWASP CSV injection: a cell starting with one of these is a formula to Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
NUMBER_TEXT_RE = re.compile(r"-?[0-9]{1,16}(?:\.[0-9]{1,16})?")  # ASCII digits: "²" and "١٢" are not numbers
NUMBER_COLUMNS = frozenset({"lat", "lon", "age_min", "age_max"})
WHOLE_NUMBER_COLUMNS = frozenset({"age_min", "age_max"})  # "12" is 12; "12.5" stays a fraction and is refused
YES_NO_COLUMNS = frozenset({"sample", "needs_verification"})
YES_NO = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def neutralise_cell(value: str) -> str:
    """Export: prefix "'" so a spreadsheet shows the text instead of running it. Values already starting with "'"
    get one too, so `restore_cell` can always drop exactly one and every value round-trips. Plain negative
    numbers (longitudes) stay numbers."""
    if value.startswith("'") or (value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Import: undo `neutralise_cell`."""
    return value[1:] if value.startswith("'") else value


class ImportFailed(ValueError):
    """The file was rejected; `errors` is a list of {row, field, message}."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def _read(
    text: str, *, required: Collection[str], allowed: Collection[str]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _read_rows(reader, required=required, allowed=allowed)
    except csv.Error as exc:
        raise ImportFailed(
            [{"row": reader.line_num or 1, "field": None, "message": f"not readable as CSV: {exc}"}]
        ) from None


def _read_rows(
    reader: csv.DictReader[str], *, required: Collection[str], allowed: Collection[str]
) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ImportFailed([{"row": 1, "field": None, "message": "the file has no header row"}])
    problems = [{"row": 1, "field": h, "message": "unknown column"} for h in header if h not in allowed]
    problems += [
        {"row": 1, "field": c, "message": "required column is missing"} for c in required if c not in header
    ]
    if problems:
        raise ImportFailed(problems)
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in reader:
        if None in raw:
            raise ImportFailed(
                [{"row": reader.line_num, "field": None, "message": "more cells than columns"}]
            )
        row = {k: restore_cell((v or "").strip()) for k, v in raw.items()}
        if not any(row.values()):
            continue
        rows.append((reader.line_num, row))
        if len(rows) > MAX_ROWS:
            raise ImportFailed(
                [{"row": reader.line_num, "field": None, "message": f"more than {MAX_ROWS} rows"}]
            )
    if not rows:
        raise ImportFailed([{"row": 2, "field": None, "message": "the file has no data rows"}])
    return rows


def _cells_as_values(row: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """A row's text cells as the values a body takes: numbers, yes/no and lists (`;` between items)."""
    out: dict[str, Any] = dict(row)
    for key in NUMBER_COLUMNS & row.keys():
        text = row[key]
        if not NUMBER_TEXT_RE.fullmatch(text):
            errors[key] = "must be a number"
        elif key in WHOLE_NUMBER_COLUMNS:
            out[key] = int(float(text)) if float(text).is_integer() else float(text)
        else:
            out[key] = float(text)
    for key in YES_NO_COLUMNS & row.keys():
        answer = YES_NO.get(row[key].lower())
        if answer is None:
            errors[key] = "must be true or false"
        out[key] = answer
    if "needs" in row:
        out["needs"] = [n.strip() for n in row["needs"].split(";") if n.strip()]
    return out


def _checked(
    clean: Callable[[dict[str, Any]], dict[str, Any]],
    row: dict[str, Any],
    line: int,
    errors: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """The row's fields to store, or None with its problems added to `errors` (row number, column, sentence)."""
    cell_errors: dict[str, str] = {}
    data = _cells_as_values(row, cell_errors)
    if cell_errors:
        errors += [{"row": line, "field": f, "message": m} for f, m in cell_errors.items()]
        return None
    try:
        return clean(data)
    except Invalid as exc:
        errors += [{"row": line, "field": f, "message": m} for f, m in exc.errors.items()]
        return None


def _row_id(row: dict[str, str], errors: list[dict[str, Any]], line: int) -> int | None:
    raw = row.get("id", "")
    if not raw:
        return None
    if not _ID_TEXT.fullmatch(raw) or not 0 < int(raw) <= MAX_DB_ID:
        errors.append(
            {"row": line, "field": "id", "message": "must be an id from an export, or empty for a new entry"}
        )
        return None
    return int(raw)


async def import_havens(
    text: str, *, areas: Collection[str], may_act_for: Callable[[str], bool]
) -> dict[str, Any]:
    """Create (empty id) or update (existing id) havens from CSV; returns counts and the ids written."""
    rows = _read(text, required=("area", "name", "kind", "lat", "lon"), allowed=HAVEN_COLUMNS)
    errors: list[dict[str, Any]] = []
    plan: list[tuple[int | None, dict[str, Any]]] = []
    ids = [i for line, r in rows if (i := _row_id(r, [], line)) is not None]
    existing = {h.id: h for h in await Haven.filter(id__in=ids)} if ids else {}
    for line, row in rows:
        haven_id = _row_id(row, errors, line)
        data = {k: v for k, v in row.items() if k not in _READ_ONLY and v != ""}
        fields = _checked(lambda d: clean_haven(d, areas=areas), data, line, errors)
        if fields is None:
            continue
        if haven_id is not None:
            current = existing.get(haven_id)
            if current is None:
                errors.append({"row": line, "field": "id", "message": f"no haven with id {haven_id}"})
                continue
            if not may_act_for(current.area):
                errors.append(
                    {"row": line, "field": "id", "message": "you are not assigned to this haven's area"}
                )
                continue
        if not may_act_for(fields["area"]):
            errors.append({"row": line, "field": "area", "message": "you are not assigned to this area"})
            continue
        plan.append((haven_id, fields))
    if errors:
        raise ImportFailed(errors)
    written: list[int] = []
    created = updated = 0
    async with havens_transaction():
        for haven_id, fields in plan:
            if haven_id is None:
                written.append((await Haven.create(**fields)).id)
                created += 1
            else:
                await Haven.filter(id=haven_id).update(**fields)
                written.append(haven_id)
                updated += 1
    invalidate()
    return {"created": created, "updated": updated, "ids": written}


def _service_data(row: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: v
        for k, v in row.items()
        if k not in _READ_ONLY and k not in SERVICE_CHANNEL_KINDS and not k.endswith("_hours") and v != ""
    }
    data["channels"] = [
        {"kind": kind, "value": row[kind], "hours": row.get(f"{kind}_hours") or None}
        for kind in SERVICE_CHANNEL_KINDS
        if row.get(kind)
    ]
    return data


async def import_services(
    text: str, *, areas: Collection[str], may_act_for: Callable[[str], bool]
) -> dict[str, Any]:
    """Create or update help services from CSV. National services need a person who may act for all areas."""
    rows = _read(text, required=("name", "needs"), allowed=SERVICE_COLUMNS)
    errors: list[dict[str, Any]] = []
    plan: list[tuple[int | None, dict[str, Any]]] = []
    ids = [i for line, r in rows if (i := _row_id(r, [], line)) is not None]
    existing = {s.id: s for s in await HelpService.filter(id__in=ids)} if ids else {}
    for line, row in rows:
        service_id = _row_id(row, errors, line)
        fields = _checked(lambda d: clean_service(d, areas=areas), _service_data(row), line, errors)
        if fields is None:
            continue
        if service_id is not None and service_id not in existing:
            errors.append({"row": line, "field": "id", "message": f"no service with id {service_id}"})
            continue
        scopes = {fields["area"]} | ({existing[service_id].area} if service_id is not None else set())
        if not all(may_act_for(a) for a in scopes):
            errors.append({"row": line, "field": "area", "message": "you are not assigned to this area"})
            continue
        plan.append((service_id, fields))
    if errors:
        raise ImportFailed(errors)
    written: list[int] = []
    created = updated = 0
    async with havens_transaction():
        for service_id, fields in plan:
            if service_id is None:
                written.append((await HelpService.create(**fields)).id)
                created += 1
            else:
                await HelpService.filter(id=service_id).update(**fields)
                written.append(service_id)
                updated += 1
    return {"created": created, "updated": updated, "ids": written}


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise_cell("" if v is None else str(v)) for k, v in row.items()})
    return out.getvalue()


def export_havens(havens: list[Haven]) -> str:
    rows = []
    for h in havens:
        row = {c: getattr(h, c) for c in HAVEN_COLUMNS}
        row["verified_at"] = h.verified_at.isoformat() if h.verified_at else ""
        row["sample"] = "true" if h.sample else "false"
        row["needs_verification"] = "true" if h.needs_verification else "false"
        rows.append(row)
    return _csv(HAVEN_COLUMNS, rows)


def export_services(services: list[HelpService]) -> str:
    rows = []
    for s in services:
        row: dict[str, Any] = {c: getattr(s, c, None) for c in SERVICE_COLUMNS if hasattr(s, c)}
        row["needs"] = ";".join(s.needs)
        row["verified_at"] = s.verified_at.isoformat() if s.verified_at else ""
        for ch in s.channels:
            if ch.get("kind") in SERVICE_CHANNEL_KINDS and not row.get(ch["kind"]):
                row[ch["kind"]] = ch.get("value", "")
                row[f"{ch['kind']}_hours"] = ch.get("hours") or ""
        rows.append(row)
    return _csv(SERVICE_COLUMNS, rows)

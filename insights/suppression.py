"""Small-number suppression: no count of pupils under the threshold is ever stored or shown."""

from __future__ import annotations

from insights.parameters import PARAMETERS

FEWER = f"fewer than {PARAMETERS.suppress_below}"


def shown(value: float, *, below: int = PARAMETERS.suppress_below) -> int | None:
    """A pupil count as it may be shown: rounded, or None when under the threshold."""
    rounded = round(value)
    return int(rounded) if rounded >= below else None


def text(value: float, *, below: int = PARAMETERS.suppress_below) -> str:
    """The same as words for reports: '42' or 'fewer than 10'."""
    number = shown(value, below=below)
    return FEWER if number is None else f"{number:,}"


def keep_cell(count: int, *, below: int = PARAMETERS.suppress_below) -> bool:
    """Whether an imported cell may be stored at all."""
    return count >= below

"""Open on arrival: a place counts as open only if it is still open when a person walking there arrives.

The same rule runs on the phone for the offline list (`pwa/js/arrival.js`); `tests/fixtures/open_on_arrival.json`
holds the cases both implementations must answer alike. Keep the two in step.
"""

from __future__ import annotations

from datetime import datetime, timedelta

ARRIVAL_MARGIN_S = 10 * 60  # still open at least this long after arriving: time to get in and be looked after


def open_on_arrival(
    *,
    open_now: bool | None,
    opens_at: datetime | None,
    closes_at: datetime | None,
    at: datetime,
    walk_s: float,
    margin_s: float = ARRIVAL_MARGIN_S,
) -> bool | None:
    """True: open now and still open `margin_s` after arriving; False: closed, or closes before that;
    None: hours unknown, or the saved state is out of date (its next change has already passed)."""
    if open_now is None:
        return None
    if open_now:
        if closes_at is None:
            return True
        if closes_at <= at:
            return None
        return closes_at >= at + timedelta(seconds=walk_s + margin_s)
    if opens_at is not None and opens_at <= at:
        return None
    return False


def arrival_rank(value: bool | None) -> int:
    """Order for lists: open on arrival first, then unknown, then closed or closing before arrival."""
    return 0 if value is True else 1 if value is None else 2

// Open on arrival, worked out on the phone for the offline list. The same rule as havens/arrival.py on the
// server; tests/fixtures/open_on_arrival.json holds the cases both must answer alike. Keep the two in step.

export const ARRIVAL_MARGIN_S = 10 * 60;

function when(value) {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * true: open now and still open margin_s after arriving; false: closed, or closes before that;
 * null: hours unknown, or the saved state is out of date (its next change has already passed).
 */
export function openOnArrival({ open_now, opens_at, closes_at }, { at, walk_s, margin_s = ARRIVAL_MARGIN_S }) {
  const now = when(at);
  if (open_now === null || open_now === undefined || !now) return null;
  const closes = when(closes_at);
  const opens = when(opens_at);
  if (open_now === true) {
    if (!closes) return true;
    if (closes <= now) return null;
    return closes.getTime() >= now.getTime() + (walk_s + margin_s) * 1000;
  }
  if (opens && opens <= now) return null;
  return false;
}

/** Order for lists: open on arrival first, then unknown, then closed or closing before arrival. */
export function arrivalRank(value) {
  return value === true ? 0 : value === null || value === undefined ? 1 : 2;
}

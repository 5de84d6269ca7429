// Who checked a place or service, and when: "Not yet checked by the council" until a staff member verifies it
// in the console, the source's own date ("Source: Arts Council England, 2022"), and the source's own doubts.
import { h, date } from "./dom.js";
import { strings } from "./strings.js";

const S = strings.checked;

/** "2022" stays a year; "2026-11-25" becomes "25 November 2026". */
export function sourceDate(value) {
  const text = String(value || "");
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? date(`${text}T12:00:00Z`) : text;
}

/** The badge for a place nobody at the council has checked yet (null once verified). */
export function checkedBadge(place) {
  if (place.sample === true) return h("span", { class: "badge unverified", text: strings.haven.unverified });
  if (!place.verified_at) return h("span", { class: "badge unverified", text: S.notYet });
  if (place.needs_verification === true) return h("span", { class: "badge unverified", text: strings.haven.needsCheck });
  return null;
}

/** Lines under a place: checked by the council (when), the source and its date, and any caveat. */
export function checkedLines(place) {
  const lines = [];
  if (place.verified_at) lines.push(h("p", { class: "hint checked", text: S.byCouncil(date(place.verified_at)) }));
  if (place.source_date) {
    const when = sourceDate(place.source_date);
    lines.push(h("p", { class: "hint source", text: place.source_name ? S.source(place.source_name, when) : S.sourceDate(when) }));
  }
  if (place.caveat) lines.push(h("p", { class: "caveat", text: S.caveat(place.caveat) }));
  return lines;
}

/** Under a help service: the council's check, or the day its details were checked against its own pages. */
export function serviceCheckedLine(service) {
  if (service.verified_at) return h("p", { class: "hint checked", text: S.byCouncil(date(service.verified_at)) });
  if (service.checked_on) return h("p", { class: "hint checked", text: S.againstPages(sourceDate(service.checked_on)) });
  return null;
}

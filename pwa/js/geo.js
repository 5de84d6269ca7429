// On-device geometry for offline use: straight-line distance, a walking estimate and open state from saved times.
import { openOnArrival, arrivalRank } from "./arrival.js";

const EARTH_RADIUS_M = 6371008.8;
export const WALK_SPEED_M_PER_S = 1.3; // the server's speed (havens/nearest.py, routing/render.py): about 4.7 km/h
export const ESCALATION_WALK_S = 15 * 60; // the server's havens/queries.py ESCALATION_WALK_S
export const FURTHER_OPEN_LIMIT = 3;
export const DETOUR_FACTOR = 1.3; // street distance is typically 20-40% longer than a straight line
export const CLOSES_SOON_S = 30 * 60;

export function haversineM(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

function estimate(places, { lat, lon, at }) {
  return places.map((p) => {
    const straight_m = haversineM(lat, lon, p.lat, p.lon);
    const distance_m = straight_m * DETOUR_FACTOR;
    const walk_s = Math.round(distance_m / WALK_SPEED_M_PER_S);
    const current = openState(p, at);
    // A saved answer past its next change is out of date: say unknown rather than repeat it.
    const stale = current.state === "unknown" && p.open_now !== null && p.open_now !== undefined;
    const open_on_arrival = stale ? null : openOnArrival(p, { at, walk_s });
    return { ...p, straight_m, distance_m, walk_s, open_on_arrival, estimated: true };
  }).sort((a, b) => a.distance_m - b.distance_m);
}

/** Nearest places by estimated walking distance, computed on the phone (used when offline): places still
 * open when you get there first, then unknown hours, then closed or closing before you arrive. */
export function nearestOnDevice(places, { lat, lon, limit = 5, at = new Date() }) {
  return estimate(places, { lat, lon, at })
    .slice(0, limit)
    .sort((a, b) => arrivalRank(a.open_on_arrival) - arrivalRank(b.open_on_arrival) || a.distance_m - b.distance_m);
}

/** The offline list with the server's escalation rule: when nothing is open on arrival within a 15-minute
 * walk, the nearest places that are open on arrival further away (an A&E, a 24-hour front counter). */
export function offlineNearby(places, { lat, lon, limit = 5, at = new Date() }) {
  const all = estimate(places, { lat, lon, at });
  const havens = nearestOnDevice(places, { lat, lon, limit, at });
  const openOnTime = all.filter((p) => p.open_on_arrival === true);
  const needed = !openOnTime.some((p) => p.walk_s <= ESCALATION_WALK_S);
  const listed = new Set(havens.map((p) => p.id));
  const further = openOnTime.filter((p) => !listed.has(p.id)).slice(0, FURTHER_OPEN_LIMIT);
  return { havens, needed, open_further: needed ? further : [] };
}

/** Open places first, then unknown hours, then closed; nearest first within each group (stable sort). */
export function openFirst(places, now = new Date()) {
  return [...places].sort((a, b) => rank(a, now) - rank(b, now));
}

function rank(p, now = new Date()) {
  const s = openState(p, now).state;
  return s === "open" || s === "closes_soon" ? 0 : s === "unknown" ? 1 : 2;
}

/**
 * Open state at `now` from what the server said (open_now, opens_at, closes_at). Saved answers go stale, so
 * past the next change we say "unknown" rather than guess.
 */
export function openState(place, now = new Date()) {
  const closes = place.closes_at ? new Date(place.closes_at) : null;
  const opens = place.opens_at ? new Date(place.opens_at) : null;
  if (place.open_now === true) {
    if (closes && !Number.isNaN(closes.getTime())) {
      const left_s = (closes - now) / 1000;
      if (left_s <= 0) return { state: "unknown" };
      return left_s <= CLOSES_SOON_S ? { state: "closes_soon", closes } : { state: "open", closes };
    }
    return { state: "open" };
  }
  if (place.open_now === false) {
    if (opens && !Number.isNaN(opens.getTime())) {
      return opens <= now ? { state: "unknown" } : { state: "closed", opens };
    }
    return { state: "closed" };
  }
  return { state: "unknown" };
}

export function bboxCentre(bbox) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return { lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2 };
}

export function inBbox(bbox, lat, lon) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon;
}

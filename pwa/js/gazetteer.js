// School and postcode search on the phone, from each area's compact gazetteer (GET /api/v1/areas/{slug}/gazetteer,
// kept by the service worker after one online visit). Used when the server cannot be reached.
import { areas, areaList } from "./api.js";

const loaded = new Map();

function gazetteerUrl(slug) {
  return `/api/v1/areas/${encodeURIComponent(slug)}/gazetteer`;
}

async function load(slug) {
  if (!loaded.has(slug)) {
    const p = fetch(gazetteerUrl(slug), { headers: { Accept: "application/json" } }).then(async (res) => {
      if (!res.ok) throw new Error(`gazetteer ${res.status}`);
      return decode(await res.json());
    });
    loaded.set(slug, p.catch((err) => { loaded.delete(slug); throw err; }));
  }
  return loaded.get(slug);
}

/** The compact format (content/offline_gazetteer.py) as {area, schools: [...], postcodes: Map(code -> {lat, lon})}. */
export function decode(body) {
  const [lat0, lon0] = body.origin;
  const at = (dlat, dlon) => ({ lat: Number((lat0 + dlat / body.scale).toFixed(5)), lon: Number((lon0 + dlon / body.scale).toFixed(5)) });
  const schools = body.schools.map(([urn, name, postcode, phase, dlat, dlon]) => ({ urn, name, postcode, phase, area: body.area, ...at(dlat, dlon) }));
  const postcodes = new Map();
  for (const [sector, units] of Object.entries(body.postcodes)) {
    for (const [unit, dlat, dlon] of units) postcodes.set(sector + unit, at(dlat, dlon));
  }
  return { area: body.area, schools, postcodes };
}

/** "se57al", "SE5 7AL " -> "SE5 7AL"; null when it cannot be a full postcode. */
export function normalisePostcode(text) {
  const compact = String(text || "").toUpperCase().replace(/\s+/g, "");
  if (!/^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/.test(compact)) return null;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

function words(text) {
  return String(text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").split(/[^a-z0-9]+/).filter(Boolean);
}

/** Every typed word starts a word of the name ("st pauls" finds "St Paul's CofE Primary School N11"). */
export function nameMatches(query, name) {
  const q = words(query).map((w) => w.replace(/s$/, ""));
  const n = words(name);
  return q.length > 0 && q.every((w) => n.some((x) => x.startsWith(w) || x.replace(/s$/, "") === w));
}

export function searchIn(gazetteers, query, { limit = 8, kinds = ["postcode", "school"] } = {}) {
  const out = [];
  const full = normalisePostcode(query);
  if (full && kinds.includes("postcode")) {
    for (const g of gazetteers) {
      const pc = g.postcodes.get(full);
      if (pc) out.push({ label: full, kind: "postcode", area: g.area, ref: `postcode:${full}`, ...pc });
    }
  }
  if (kinds.includes("school")) {
    for (const g of gazetteers) {
      for (const s of g.schools) {
        if (nameMatches(query, s.name)) out.push({ label: `${s.name} (${s.postcode})`, kind: "school", area: g.area, ref: `school:${s.urn}`, school: s, lat: s.lat, lon: s.lon });
      }
    }
  }
  return out.slice(0, limit);
}

/** Search every area's saved gazetteer; [] when none is saved yet. */
export async function searchOffline(query, options) {
  const list = areaList(await areas());
  const gazetteers = (await Promise.all(list.map((a) => load(a.slug).catch(() => null)))).filter(Boolean);
  return searchIn(gazetteers, query, options);
}

/** Fetch every area's gazetteer once online, so the service worker keeps them for offline search. */
export async function warmGazetteers() {
  for (const a of areaList(await areas())) {
    await fetch(gazetteerUrl(a.slug), { headers: { Accept: "application/json" } }).catch(() => undefined);
  }
}

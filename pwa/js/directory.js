// The Haven directory of an area, fetched without any personal location (from the area's centre) so the
// service worker can keep it for offline use and distances can be worked out on the phone.
import { areas, areaList } from "./api.js";
import { bboxCentre, inBbox } from "./geo.js";

const DIRECTORY_LIMITS = [50, 20];
const DIRECTORY_MAX_M = 20000;
const memo = new Map();
const contactsByArea = new Map();

export async function areaFor(lat, lon) {
  const list = areaList(await areas());
  const hit = list.find((a) => a.bbox && inBbox(a.bbox, lat, lon));
  return hit ? hit.slug : list.length ? list[0].slug : null;
}

/** The directory as seen from the area's centre at this phone's time (to the minute); the service worker
 * saves it under one key per area whatever the time, so the offline copy is always the latest one. */
export function directoryUrl(area, limit, now = new Date()) {
  const { lat, lon } = bboxCentre(area.bbox);
  const at = new Date(Math.floor(now.getTime() / 60000) * 60000).toISOString();
  return `/api/v1/havens?lat=${lat.toFixed(5)}&lon=${lon.toFixed(5)}&limit=${limit}&max_m=${DIRECTORY_MAX_M}&at=${encodeURIComponent(at)}`;
}

async function fetchDirectory(area) {
  const saved = Number(localStorage.getItem("wayhome.directoryLimit")) || null;
  const limits = saved ? [saved, ...DIRECTORY_LIMITS.filter((l) => l < saved)] : DIRECTORY_LIMITS;
  for (const limit of limits) {
    const res = await fetch(directoryUrl(area, limit), { headers: { Accept: "application/json", "X-WayHome-Directory": "1" } });
    if (res.status === 422 || res.status === 400) continue;
    if (!res.ok) throw new Error(`directory ${res.status}`);
    localStorage.setItem("wayhome.directoryLimit", String(limit));
    const body = await res.json();
    contactsByArea.set(area.slug, (body.escalation && body.escalation.contacts) || []);
    return body.havens || [];
  }
  return [];
}

/** All known places of the area that contains (lat, lon); [] when none could be loaded. */
export async function directoryFor(lat, lon) {
  const list = areaList(await areas());
  const area = list.find((a) => a.bbox && inBbox(a.bbox, lat, lon)) || list[0];
  if (!area || !area.bbox) return [];
  if (!memo.has(area.slug)) {
    memo.set(area.slug, fetchDirectory(area).catch((err) => {
      memo.delete(area.slug);
      throw err;
    }));
  }
  return memo.get(area.slug);
}

/** Refresh the offline copies of every area's directory (the service worker stores the responses). */
export async function warmDirectories() {
  for (const area of areaList(await areas())) {
    if (area.bbox) await fetchDirectory(area).catch(() => {});
  }
}

/** Who to call (999, 101, Childline) as the server listed them with the saved directory; [] if not loaded. */
export async function savedContacts(lat, lon) {
  const list = areaList(await areas());
  const area = list.find((a) => a.bbox && inBbox(a.bbox, lat, lon)) || list[0];
  if (!area) return [];
  await directoryFor(lat, lon).catch(() => []);
  return contactsByArea.get(area.slug) || [];
}

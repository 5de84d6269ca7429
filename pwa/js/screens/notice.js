// One notice, opened from a push notification (data.url = /#/notice/<id>?school=URN or ?area=slug).
import { h, clear, status, screenTitle } from "../dom.js";
import { getJson, query, areas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { noticeCard } from "./parents.js";

async function findNotice(id, params) {
  try {
    const one = await getJson(`/api/v1/notices/${encodeURIComponent(id)}`);
    if (one) return one.notice || one;
  } catch (err) {
    if (err.status === 404) return null; // ended or withdrawn
    if (err.status) throw err;
    // offline: the lists the app saved for the school or area may still hold it
  }
  const scopes = [];
  if (params.get("school")) scopes.push({ school: params.get("school") });
  if (params.get("area")) scopes.push({ area: params.get("area") });
  if (!scopes.length) for (const a of areaList(await areas())) scopes.push({ area: a.slug });
  for (const scope of scopes) {
    const data = await getJson(`/api/v1/notices?${query(scope)}`);
    const hit = (data.notices || []).find((n) => String(n.id) === String(id));
    if (hit) return hit;
  }
  return null;
}

export async function render(main, params, id) {
  const body = h("div", { "aria-live": "polite" }, status(strings.loading));
  main.append(screenTitle(strings.notice.title), body);
  try {
    const notice = await findNotice(id, params);
    clear(body).append(notice ? h("ul", { class: "cards notices" }, noticeCard(notice)) : status(strings.notice.notFound, "warn"));
  } catch (err) {
    clear(body).append(status(err.message, "error"));
  }
}

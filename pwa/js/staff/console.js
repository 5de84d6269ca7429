// Officer console shell: a home page for the person's role, then section navigation. Loaded only after sign-in.
import { h, clear, screenTitle, status, time, date } from "../dom.js";
import { api, setCsrfToken, getJson, areas, areaList } from "../api.js";
import { strings } from "../strings.js";

const C = strings.console;
const STAFF = ["officer", "editor", "admin"];

/**
 * The console's sections, in menu order: key (the #/staff/<key> address), who sees it, and its module.
 * Other modules add theirs with one line here (or SECTIONS.push(...) from their own module); the label
 * comes from strings.console.sections[key].
 */
export const SECTIONS = [
  { key: "home", roles: STAFF, load: () => import("./overview.js") },
  { key: "notices", roles: STAFF, load: () => import("./notices.js") },
  { key: "finish", roles: ["officer", "admin"], load: () => import("./finish.js") },
  { key: "hotspots", roles: ["officer", "admin"], load: () => import("./hotspots.js") },
  { key: "safeplaces", roles: ["officer", "admin"], load: () => import("./safe_places.js") },
  { key: "havens", roles: STAFF, load: () => import("./resources.js") },
  { key: "services", roles: STAFF, load: () => import("./resources.js") },
  { key: "messages", roles: STAFF, load: () => import("./resources.js") },
  { key: "audit", roles: ["admin"], load: () => import("./audit.js") },  // the audit API is admin-only
  { key: "streets", roles: ["admin"], load: () => import("./streets.js") },
  { key: "insights", roles: ["officer", "admin"], load: () => import("./insights.js") },
  { key: "review", roles: ["officer", "admin"], load: () => import("./quarterly.js") },
  { key: "performance", roles: ["officer", "admin"], load: () => import("./performance.js") },
  { key: "surveys", roles: STAFF, load: () => import("./surveys.js") },
  { key: "websites", roles: STAFF, load: () => import("./websites.js") },
];

function visibleTo(me) {
  const roles = me.roles || [];
  return SECTIONS.filter((s) => roles.includes("admin") || s.roles.some((r) => roles.includes(r)));
}

/** The signed-in person's areas and schools by name (a few schools by name, many as a count), never by code. */
async function scopeNames(me) {
  const served = areaList(await areas().catch(() => null));
  const areaNames = (me.areas || []).map((slug) => (served.find((a) => a.slug === slug) || {}).name || slug);
  const urns = me.schools || [];
  if (urns.length > 6) return C.scope(areaNames, [C.schoolCount(urns.length)]);
  const schoolNames = await Promise.all(urns.map(async (urn) => {
    try {
      const s = await getJson(`/api/v1/schools/${encodeURIComponent(urn)}`);
      return (s.school || s).name || urn;
    } catch (err) {
      return urn;
    }
  }));
  return C.scope(areaNames, schoolNames);
}

const atWords = (iso) => (iso ? `${time(iso)} on ${date(iso)}` : "");

/** Failed sign-ins, a pause or an admin's unlock since the holder's last visit: a warning only they see. */
function signInNotice(me) {
  const n = me.sign_in_notice;
  if (n) {
    const text = strings.staff.signInNotice({ failures: n.failures, last: atWords(n.last_failure_at), paused: n.paused, unlocked: atWords(n.unlocked_at) });
    const p = status(text, "warn");
    p.id = "sign-in-notice";
    return p;
  }
  return me.failed_sign_ins ? status(strings.staff.failedSignIns(me.failed_sign_ins), "warn") : null;
}

export async function renderConsole(main, { me, section }) {
  const sections = visibleTo(me);
  const current = sections.find((s) => s.key === section) || sections[0];
  const signOut = h("button", { type: "button", class: "button secondary", id: "staff-sign-out", text: strings.staff.signOut });
  signOut.addEventListener("click", async () => {
    try {
      await api("/api/v1/auth/logout", { method: "POST" });
    } finally {
      setCsrfToken(null);
      location.hash = "#/";
    }
  });
  const nav = h("nav", { "aria-label": C.title }, h("ul", {}, sections.map((s) =>
    h("li", {}, h("a", { class: "button secondary", href: `#/staff/${s.key}`, "aria-current": s.key === current.key ? "page" : null, text: C.sections[s.key] || s.key })))));
  const body = h("div", { class: "console-body" });
  clear(main).append(
    h("div", { class: "staff-console" },
      screenTitle(C.title),
      h("p", {}, strings.staff.signedInAs(me.email), " ", signOut),
      h("p", { class: "hint", text: `${C.roles(me.roles || [])} ${await scopeNames(me)}` }),
      signInNotice(me),
      nav,
      body),
  );
  const mod = await current.load();
  return mod.render(body, { me, kind: current.key });
}

// The console's home page for each role: officers see their schools' next finish times, live notices and
// hotspots first; editors what needs checking; admins the accounts. Each block loads on its own.
import { h, clear, status, date } from "../dom.js";
import { getJson } from "../api.js";
import { strings } from "../strings.js";
import { listOf } from "./form.js";
import { schoolNames } from "./schools_pick.js";

const O = strings.console.overview;

function block(id, title, link) {
  const body = h("div", { "aria-live": "polite" }, status(strings.loading));
  const el = h("section", { class: "card overview-block", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, text: title }), body, link ? h("p", {}, h("a", { href: link[0], text: link[1] })) : null);
  return { el, body };
}

async function fill(target, work) {
  try {
    const content = await work();
    clear(target.body).append(...[content].flat().filter(Boolean));
  } catch (err) {
    clear(target.body).append(status(O.unavailable, "warn"));
  }
}

function nextFinish(school) {
  const days = (school.finish_times && school.finish_times.days) || [];
  const next = days.find((d) => d.school_day && d.finishes && d.finishes.length);
  if (!next) return (school.finish_times && school.finish_times.message) || O.noFinishTimes;
  const times = next.finishes.map((f) => (f.group === "All pupils" ? f.time : `${f.group} ${f.time}`)).join(", ");
  return `${date(next.date)}: ${times}`;
}

export async function render(root, { me }) {
  const roles = me.roles || [];
  const admin = roles.includes("admin");
  const officer = admin || roles.includes("officer");
  const editor = admin || roles.includes("editor");
  const blocks = [];
  clear(root).append(h("h2", { class: "visually-hidden", text: strings.console.sections.home }));

  if (officer) {
    const finish = block("overview-finish", O.finishTitle, ["#/staff/finish", O.finishLink]);
    const notices = block("overview-notices", O.noticesTitle, ["#/staff/notices", O.noticesLink]);
    const hotspots = block("overview-hotspots", O.hotspotsTitle, ["#/staff/hotspots", O.hotspotsLink]);
    const places = block("overview-safeplaces", O.safePlacesTitle, ["#/staff/safeplaces", O.safePlacesLink]);
    blocks.push(finish, notices, hotspots, places);
    fill(finish, async () => {
      const urns = (me.schools || []).slice(0, 8);
      if (!urns.length) return h("p", { class: "hint", text: O.noSchools });
      const names = await schoolNames(urns);
      const schools = await Promise.all(urns.map((u) => getJson(`/api/v1/schools/${encodeURIComponent(u)}`).catch(() => null)));
      return h("ul", {}, urns.map((u, i) => h("li", {}, h("strong", { text: names.get(u) }), " ", schools[i] ? nextFinish(schools[i]) : O.unavailable)));
    });
    fill(notices, async () => {
      const now = Date.now();
      const live = listOf(await getJson("/api/v1/admin/notices", { cache: "no-store" }), "notices")
        .filter((n) => ["sent", "scheduled"].includes(n.status) && (!n.expires_at || Date.parse(n.expires_at) > now));
      if (!live.length) return h("p", { class: "hint", text: O.noNotices });
      return h("ul", {}, live.slice(0, 6).map((n) => h("li", { text: `${n.title} (${strings.console.noticeKinds[n.kind] || ""})` })));
    });
    fill(hotspots, async () => {
      const rows = listOf(await getJson("/api/v1/admin/hotspots", { cache: "no-store" }), "hotspots");
      if (!rows.length) return h("p", { class: "hint", text: O.noHotspots });
      return [h("p", { text: O.hotspotCount(rows.length) }), h("ul", {}, rows.slice(0, 6).map((r) => h("li", { text: r.notes || strings.console.hotspotForm.unnamed })))];
    });
    fill(places, async () => {
      const [apps, due] = await Promise.all([
        getJson("/api/v1/admin/safe-place-applications", { cache: "no-store" }),
        getJson("/api/v1/admin/safe-place-reverify", { cache: "no-store" }),
      ]);
      return h("ul", {}, h("li", { text: O.applications(apps.applications.length) }), h("li", { text: O.dueRecheck(due.due.length) }),
        h("li", { text: O.reports(due.reports.length) }));
    });
  }
  if (editor) {
    const checking = block("overview-checking", O.checkingTitle, ["#/staff/havens", O.checkingLink]);
    blocks.push(checking);
    fill(checking, async () => {
      const [havens, services, audit] = await Promise.all([
        getJson("/api/v1/admin/havens", { cache: "no-store" }).catch(() => null),
        getJson("/api/v1/admin/services", { cache: "no-store" }).catch(() => null),
        getJson("/api/v1/admin/website-audit", { cache: "no-store" }).catch(() => null),
      ]);
      const items = [];
      if (havens) {
        const list = listOf(havens, "havens");
        items.push(O.unverifiedPlaces(list.filter((x) => !x.verified_at).length), O.stalePlaces(list.filter((x) => x.verified_at && x.stale).length));
      }
      if (services) items.push(O.servicesToCheck(listOf(services, "services").filter((s) => s.status === "needs_check").length));
      if (audit) items.push(audit.run ? O.auditProblems(audit.problems.length) : O.auditNever);
      return h("ul", {}, items.map((t) => h("li", { text: t })));
    });
  }
  if (admin) {
    const accounts = block("overview-accounts", O.accountsTitle, null);
    blocks.push(accounts);
    fill(accounts, async () => {
      const users = listOf(await getJson("/api/v1/admin/users", { cache: "no-store" }), "users");
      return h("ul", {}, users.slice(0, 20).map((u) => h("li", { text: `${u.display_name || u.email}: ${(u.roles || []).join(", ")}${u.is_active === false ? ` (${O.disabled})` : ""}` })));
    });
  }
  root.append(...blocks.map((b) => b.el));
}

// Havens, help services and key messages: a searchable list (by area, "not checked for 6 months"), a form per
// entry with the API's field errors beside the inputs, "mark as checked today", delete.
import { h, clear, status, date } from "../dom.js";
import { api, getJson, query, areas as fetchAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { errorStatus, listOf } from "./form.js";
import { buildFields, blank, changes } from "./resource_fields.js";
import { reviewBadges, reviewForm, evidenceLines } from "./review.js";

const C = strings.console;
const KINDS = {
  havens: { path: "/api/v1/admin/havens", key: "havens", canDelete: true, canVerify: true, byArea: true },
  services: { path: "/api/v1/admin/services", key: "services", canDelete: true, canVerify: true, byArea: true },
  messages: { path: "/api/v1/admin/messages", key: "messages", canDelete: false, canVerify: false, byArea: false },
};

async function staffAreas(me) {
  if ((me.roles || []).includes("admin")) {
    try {
      const all = areaList(await fetchAreas()).map((a) => a.slug);
      if (all.length) return all;
    } catch (err) {
      /* fall back to the areas on the account */
    }
  }
  return me.areas || [];
}

/** "Checked 3 May 2026", "Not checked for 6 months" or "Needs checking": what an officer must act on. */
function verification(item) {
  const parts = [];
  if (item.sample) parts.push(h("span", { class: "badge unverified", text: C.sampleBadge }));
  if (item.needs_verification || item.status === "needs_check") parts.push(h("span", { class: "badge unverified", text: C.needsVerification }));
  if (item.verified_at && !item.stale) parts.push(h("span", { class: "badge open", text: C.verifiedOn(date(item.verified_at)) }));
  else if (item.stale) parts.push(h("span", { class: "badge unknown", text: item.verified_at ? C.staleSince(date(item.verified_at)) : C.neverVerified }));
  return parts.length ? h("p", { class: "badges" }, parts) : null;
}

function searchText(item) {
  return [item.name, item.title, item.address, item.postcode, item.topic, item.description].filter(Boolean).join(" ").toLowerCase();
}

export async function render(root, { me, kind }) {
  const cfg = KINDS[kind];
  const areas = await staffAreas(me);
  const list = h("div", { class: "resource-list", "aria-live": "polite" });
  const editor = h("div", { class: "editor" });
  const newButton = h("button", { type: "button", class: "button primary", id: `new-${kind}`, text: C.create, onclick: () => edit(null) });

  const search = h("input", { type: "search", id: `${kind}-search`, autocomplete: "off" });
  const areaFilter = h("select", { id: `${kind}-area-filter` }, h("option", { value: "", text: C.allAreas }),
    kind === "services" ? h("option", { value: "national", text: C.national }) : null, areas.map((a) => h("option", { value: a, text: a })));
  const tierFilter = h("select", { id: `${kind}-tier-filter` }, h("option", { value: "", text: C.allTiers }),
    Object.entries(C.tiers).map(([v, l]) => h("option", { value: v, text: l })));
  const stale = h("input", { type: "checkbox", id: `${kind}-stale` });
  const dueOnly = h("input", { type: "checkbox", id: `${kind}-review-due` });
  let reviewerRoles = [];
  const filters = h("form", { class: "filters", role: "search", "aria-label": C.filtersLabel },
    h("div", { class: "field" }, h("label", { for: search.id, text: C.searchLabel }), search),
    cfg.byArea ? h("div", { class: "field" }, h("label", { for: areaFilter.id, text: C.fields.area }), areaFilter) : null,
    kind === "messages" ? h("div", { class: "field" }, h("label", { for: tierFilter.id, text: C.fields.tier }), tierFilter) : null,
    cfg.canVerify ? h("div", { class: "check" }, stale, " ", h("label", { for: stale.id, text: C.staleOnly })) : null,
    kind === "messages" ? h("div", { class: "check" }, dueOnly, " ", h("label", { for: dueOnly.id, text: C.review.dueOnly })) : null);
  filters.addEventListener("submit", (ev) => ev.preventDefault());
  clear(root).append(h("h2", { text: C.sections[kind] }), h("p", {}, newButton), editor, filters, list);

  let items = [];
  search.addEventListener("input", () => draw());
  for (const el of [areaFilter, tierFilter, stale, dueOnly]) el.addEventListener("change", () => load());

  function edit(item) {
    const fields = buildFields(kind, item || blank(kind, areas), areas);
    const message = h("div", { "aria-live": "polite" });
    const title = item ? C.editing(item.name || item.title || `#${item.id}`) : C.createTitle[kind];
    const form = h("form", { class: "resource-form", novalidate: true, "aria-label": title },
      h("h3", { text: title }),
      item ? verification(item) : null,
      fields.element,
      h("p", { class: "row" }, h("button", { type: "submit", class: "button primary", text: strings.save }),
        h("button", { type: "button", class: "button secondary", text: strings.cancel, onclick: () => clear(editor) })),
      message);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(message);
      fields.clearErrors();
      const body = fields.read();
      try {
        if (item) {
          const diff = changes(item, body);
          if (Object.keys(diff).length) await api(`${cfg.path}/${item.id}`, { method: "PATCH", body: diff });
        } else {
          await api(cfg.path, { method: "POST", body });
        }
        clear(editor).append(status(C.saved));
        await load();
      } catch (err) {
        const unplaced = fields.showErrors(err.details && err.details.fields);
        const fieldCount = Object.keys((err.details && err.details.fields) || {}).length;
        if (fieldCount) message.append(...[status(C.fixFields(fieldCount), "error"), unplaced.length ? status(unplaced.join(" "), "error") : null].filter(Boolean));
        else message.append(errorStatus(err));
      }
    });
    clear(editor).append(form);
    form.querySelector("input, select, textarea").focus();
  }

  async function act(fn, done) {
    try {
      await fn();
      clear(editor).append(status(done));
      await load();
    } catch (err) {
      clear(editor).append(errorStatus(err));
    }
  }
  const remove = (item) => window.confirm(C.confirmDelete) && act(() => api(`${cfg.path}/${item.id}`, { method: "DELETE" }), C.deleted);
  const verify = (item) => act(() => api(`${cfg.path}/${item.id}/verify`, { method: "POST", body: {} }), C.verified);

  function visible() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return items.filter((item) => {
      if (kind === "services" && areaFilter.value && item.area !== areaFilter.value) return false;
      if (kind === "services" && stale.checked && !item.stale) return false;
      const text = searchText(item);
      return words.every((w) => text.includes(w));
    });
  }

  function card(item) {
    const label = item.name || item.title || `#${item.id}`;
    const kindText = (item.kind && C.havenKinds[item.kind]) || (item.tier && C.tiers[item.tier]) || null;
    const statusText = item.status && ({ ...C.havenStatuses, ...C.serviceStatuses, ...C.messageStatuses })[item.status];
    return h("li", { class: "card", "data-id": item.id },
      h("h3", { text: label }),
      h("p", { class: "hint", text: [kindText, item.topic, statusText, item.area, item.address, item.opening_hours].filter(Boolean).join(" · ") }),
      kind === "messages" ? null : verification(item),
      ...(kind === "messages" ? reviewBadges(item, me) : []),
      ...(kind === "services" ? evidenceLines(item) : []),
      kind === "messages" ? reviewForm(item, reviewerRoles, async (done) => { clear(editor).append(status(done)); await load(); }) : null,
      h("p", { class: "row" },
        h("button", { type: "button", class: "button secondary", text: C.edit, "aria-label": `${C.edit}: ${label}`, onclick: () => edit(item) }),
        cfg.canVerify ? h("button", { type: "button", class: "button secondary", text: C.verify, onclick: () => verify(item) }) : null,
        cfg.canDelete ? h("button", { type: "button", class: "button secondary", text: strings.remove, "aria-label": `${strings.remove}: ${label}`, onclick: () => remove(item) }) : null));
  }

  function draw() {
    const shown = visible();
    clear(list).append(h("p", { class: "hint", role: "status", text: C.showing(shown.length, items.length) }));
    if (shown.length) list.append(h("ul", { class: "cards" }, shown.map(card)));
  }

  async function load() {
    clear(list).append(status(strings.loading));
    const params = {};
    if (kind === "havens") Object.assign(params, { area: areaFilter.value, stale: stale.checked ? "1" : "" });
    if (kind === "messages") Object.assign(params, { tier: tierFilter.value, review_due: dueOnly.checked ? "1" : "" });
    const q = query(params);
    try {
      const payload = await getJson(q ? `${cfg.path}?${q}` : cfg.path, { cache: "no-store" });
      items = listOf(payload, cfg.key);
      reviewerRoles = (payload && payload.reviewer_roles) || reviewerRoles;
      draw();
    } catch (err) {
      clear(list).append(status(C.loadFailed, "warn"), errorStatus(err));
    }
  }
  await load();
}

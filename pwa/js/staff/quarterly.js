// Quarterly partnership review: hotspot places by source, change on the previous quarter, officer hotspots still
// active, each source's dates (stale ones flagged), a printable summary, and data imports (police.uk, ISTV, ...).
import { h, clear, status, date } from "../dom.js";
import { api, getJson, query } from "../api.js";
import { strings } from "../strings.js";

const T = strings.review;

function table(head, rows) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": head[0] }, h("table", { class: "review-table" },
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, rows)));
}

const n = (v) => (v === null || v === undefined ? T.fewer : String(v));
const change = (v) => (v === null || v === undefined ? T.notShown : v > 0 ? `+${v}` : String(v));

function placeTable(items, label) {
  if (!items || !items.length) return h("p", { class: "hint", text: T.none });
  return table([label, T.count, T.previous, T.change], items.map((r) => h("tr", {},
    h("td", { text: r.name && r.name !== r.place ? `${r.name} (${r.place})` : r.place }),
    h("td", { text: n(r.count) }), h("td", { text: n(r.previous) }), h("td", { text: change(r.change) }))));
}

function streetTable(items) {
  if (!items || !items.length) return h("p", { class: "hint", text: T.none });
  return table([T.street, T.segments, T.count, T.previous, T.change], items.map((r) => h("tr", {},
    h("td", { text: r.name }), h("td", { text: String(r.segments) }),
    h("td", { text: n(r.count) }), h("td", { text: n(r.previous) }), h("td", { text: change(r.change) }))));
}

function cellTable(cells) {
  return table([T.place, T.source, T.count, T.previous, T.change], cells.map((c) => h("tr", {},
    h("td", { text: c.place || "whole area" }), h("td", { text: c.category || "" }),
    h("td", { text: n(c.count) }), h("td", { text: n(c.previous) }), h("td", { text: change(c.change) }))));
}

function renderReview(box, review) {
  const fresh = table([T.source, T.from, T.to, T.inUse, T.fresh], review.freshness.map((f) => h("tr", { class: f.stale ? "stale" : "" },
    h("td", { text: f.name }), h("td", { text: f.from || "" }), h("td", { text: f.to || "" }),
    h("td", { text: f.in_use ? T.yes : T.no(f.not_used_because) }),
    h("td", { text: f.stale ? T.stale(f.age_months, f.max_age_months) : T.current }))));
  const parts = [
    h("h3", { text: `${review.area_name}, ${review.quarter} (against ${review.previous_quarter})` }),
    h("p", { class: "hint", text: review.caveat }),
    h("h4", { text: T.sources }), fresh,
  ];
  for (const s of review.sources) {
    parts.push(h("h4", { text: s.name }));
    if (s.streets) {
      parts.push(h("h5", { text: T.streets }), streetTable(s.streets));
      if (s.points_off_street) parts.push(h("p", { class: "hint", text: T.offStreet(s.points_off_street) }));
    }
    if (s.lsoas) parts.push(h("h5", { text: T.lsoas }), placeTable(s.lsoas, T.place));
    if (s.cells) parts.push(h("h5", { text: T.cells }), cellTable(s.cells));
  }
  parts.push(h("h4", { text: T.hotspots }));
  parts.push(review.officer_hotspots_active.length
    ? h("ul", {}, review.officer_hotspots_active.map((hs) => h("li", { text: `${hs.notes || "Hotspot " + hs.id}, ${T.until(hs.expires_at ? date(hs.expires_at) : null)}` })))
    : h("p", { class: "hint", text: T.noHotspots }));
  clear(box).append(...parts);
}

export async function render(root, { me }) {
  const areas = me.areas && me.areas.length ? me.areas : ["southwark"];
  const areaSelect = h("select", { id: "review-area" }, areas.map((a) => h("option", { value: a, text: a })));
  const quarter = h("input", { id: "review-quarter", maxlength: "7", pattern: "20[0-9]{2}-Q[1-4]", placeholder: "2025-Q4" });
  const show = h("button", { type: "submit", class: "button primary", text: T.show });
  const printButton = h("button", { type: "button", class: "button secondary", id: "review-print", text: T.print });
  const pdfLink = h("a", { class: "button secondary", id: "review-pdf", href: "#", text: T.pdf });
  const box = h("section", { class: "review-print", "aria-live": "polite" });
  const form = h("form", { class: "no-print" },
    h("div", { class: "field" }, h("label", { for: "review-area", text: T.area }), areaSelect),
    h("div", { class: "field" }, h("label", { for: "review-quarter", text: T.quarter }), quarter),
    h("p", {}, show, " ", printButton, " ", pdfLink));

  const kind = h("select", { id: "import-kind" }, Object.entries(T.kinds).map(([k, v]) => h("option", { value: k, text: v })));
  const file = h("input", { type: "file", id: "import-file", accept: ".csv,.json,text/csv,application/json" });
  const result = h("div", { "aria-live": "polite", id: "import-result" });
  const upload = h("form", { class: "no-print" },
    h("h3", { text: T.importTitle }), h("p", { class: "hint", text: T.importHint }),
    h("div", { class: "field" }, h("label", { for: "import-kind", text: T.kind }), kind),
    h("div", { class: "field" }, h("label", { for: "import-file", text: T.file }), file),
    h("p", {}, h("button", { type: "submit", class: "button primary", text: T.send })), result);

  clear(root).append(h("h2", { class: "no-print", text: T.title }), h("p", { class: "hint no-print", text: T.intro }), form, box, upload);

  async function load() {
    clear(box).append(status("Loading\u2026"));
    try {
      const params = { area: areaSelect.value };
      if (quarter.value.trim()) params.quarter = quarter.value.trim();
      pdfLink.href = `/api/v1/admin/partnership/review.pdf?${query(params)}`;
      pdfLink.setAttribute("download", `quarterly-review-${params.area}${params.quarter ? "-" + params.quarter : ""}.pdf`);
      renderReview(box, await getJson(`/api/v1/admin/partnership/review?${query(params)}`, { cache: "no-store" }));
    } catch (err) {
      clear(box).append(status(err.status === 422 ? err.message : T.loadFailed, "error"));
    }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  printButton.addEventListener("click", () => window.print());
  upload.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = file.files && file.files[0];
    if (!chosen) { clear(result).append(status(T.pick, "error")); return; }
    clear(result).append(status("Sending\u2026"));
    const text = await chosen.text();
    const isJson = chosen.name.toLowerCase().endsWith(".json");
    let body;
    try {
      body = isJson ? JSON.parse(text) : { csv: text };
    } catch (err) {
      clear(result).append(status(T.refused(1), "error"), h("ul", {}, h("li", { text: T.notJson })));
      return;
    }
    const params = { area: areaSelect.value, filename: chosen.name };
    const path = kind.value === "crimes" ? "/api/v1/admin/imports/crimes" : "/api/v1/admin/imports/aggregates";
    if (kind.value !== "crimes") params.source = kind.value;
    try {
      const { data } = await api(`${path}?${query(params)}`, { method: "POST", body, timeoutMs: 120000 });
      const surface = data.surface || {};
      clear(result).append(status(`${T.imported(data)} ${surface.rebuilt ? T.rebuilt : T.notRebuilt(surface.reason || "")}`));
      load();
    } catch (err) {
      const errors = (err.details && err.details.errors) || [];
      clear(result).append(status(errors.length ? T.refused(errors.length) : err.message, "error"),
        h("ul", {}, errors.slice(0, 20).map((e) => h("li", { text: T.row(e) }))));
    }
  });
  load();
}

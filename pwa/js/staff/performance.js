// The plan's performance dashboard: knife crime by month for the boroughs the area touches, the quarter against
// the one before and a year before, safe places checked, notices sent and delivered. Each chart has its figures
// as a table beside it (for screen readers and for print). Charts are drawn by uPlot, served from /vendor/.
import { h, clear, status, monthOrDate } from "../dom.js";
import { getJson, query, areas as fetchAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { loadUPlot, table, chartBox, drawLines as drawChart } from "./charts.js";

const T = strings.performance;
const drawLines = (uPlot, box, months, series) => drawChart(uPlot, box, months, series, { xLabel: T.month });
const figure = (v) => (v === null || v === undefined ? T.noFigure : String(v));
const devices = (v) => (v === null || v === undefined ? T.fewer : String(v));

function knifeSection(knife, uPlot) {
  const parts = [h("h3", { text: T.knifeTitle }),
    h("p", { class: "hint", text: T.knifeHint(knife.source, knife.data_as_of ? monthOrDate(knife.data_as_of) : T.none) })];
  for (const m of knife.measures) {
    const box = chartBox(T.chartOf(m.label));
    const newestFirst = knife.months.map((month, i) => ({ month, i })).reverse();
    parts.push(h("h4", { text: m.label }), box, h("details", { class: "figures" }, h("summary", { text: T.figures(m.label) }),
      table(T.tableOf(m.label), [T.month, ...m.boroughs.map((b) => b.name)], newestFirst.map(({ month, i }) =>
        h("tr", {}, h("th", { scope: "row", text: monthOrDate(month) }), m.boroughs.map((b) => h("td", { text: figure(b.counts[i]) })))))));
    requestAnimationFrame(() => { if (uPlot && knife.months.length) drawLines(uPlot, box, knife.months, m.boroughs); });
  }
  return parts;
}

function quarterSection(q) {
  if (!q.quarter) return [h("h3", { text: T.quarterTitle }), h("p", { class: "hint", text: T.none })];
  const change = (a, b) => (a === null || b === null ? T.noChange : a - b > 0 ? `+${a - b}` : String(a - b));
  const measures = [...new Set(q.rows.map((r) => r.label))];
  return [h("h3", { text: T.quarterHeading(q.quarter, q.previous, q.year_before) }),
    ...measures.map((label) => table(label, [T.borough, q.quarter, q.previous, T.change, q.year_before, T.changeYear],
      q.rows.filter((r) => r.label === label).map((r) => h("tr", {}, h("th", { scope: "row", text: r.borough }),
        h("td", { text: figure(r.count) }), h("td", { text: figure(r.previous) }), h("td", { text: change(r.count, r.previous) }),
        h("td", { text: figure(r.year_before) }), h("td", { text: change(r.count, r.year_before) }))))),
    h("p", { class: "hint", text: T.partial })];
}

function havensSection(hv) {
  return [h("h3", { text: T.havensTitle }), h("p", { text: T.havens(hv) })];
}

function noticesSection(notices, uPlot) {
  const box = chartBox(T.chartOf(T.noticesTitle));
  requestAnimationFrame(() => {
    if (uPlot && notices.length) drawLines(uPlot, box, notices.map((n) => n.month), [{ name: T.sent, counts: notices.map((n) => n.sent) }]);
  });
  return [h("h3", { text: T.noticesTitle }), box,
    table(T.noticesTitle, [T.month, T.sent, T.delivered, T.notDelivered], notices.slice().reverse().map((n) =>
      h("tr", {}, h("th", { scope: "row", text: monthOrDate(n.month) }), h("td", { text: String(n.sent) }),
        h("td", { text: devices(n.delivered) }), h("td", { text: devices(n.not_delivered) }))))];
}

function surveySection(trends, uPlot) {
  if (!trends || !trends.length) return [h("h3", { text: T.surveyTitle }), h("p", { class: "hint", text: T.surveyNone })];
  const parts = [h("h3", { text: T.surveyTitle }), h("p", { class: "hint", text: T.surveyHint })];
  for (const t of trends) {
    const box = chartBox(T.chartOf(t.question));
    const months = t.months.map((m) => m.month);
    requestAnimationFrame(() => {
      if (uPlot && months.length) drawLines(uPlot, box, months, [{ name: T.feelSafe, counts: t.months.map((m) => m.feel_safe_pct) }]);
    });
    parts.push(h("h4", { text: `${t.survey}: ${t.question}` }), box,
      table(T.surveyTable(t.question), [T.month, T.feelSafe], t.months.slice().reverse().map((m) =>
        h("tr", {}, h("th", { scope: "row", text: monthOrDate(m.month) }), h("td", { text: m.feel_safe_pct === null ? T.tooFew : `${m.feel_safe_pct}%` })))));
  }
  return parts;
}

export async function render(root, { me }) {
  const served = areaList(await fetchAreas().catch(() => null));
  const slugs = me.areas && me.areas.length ? me.areas : served.map((a) => a.slug);
  const name = (slug) => (served.find((a) => a.slug === slug) || {}).name || slug;
  const areaSelect = h("select", { id: "perf-area" }, slugs.map((a) => h("option", { value: a, text: name(a) })));
  const months = h("select", { id: "perf-months" }, [12, 24, 36, 48].map((k) => h("option", { value: String(k), text: T.monthsOption(k), selected: k === 24 })));
  const show = h("button", { type: "submit", class: "button primary", text: T.show });
  const printButton = h("button", { type: "button", class: "button secondary", id: "perf-print", text: T.print });
  const pdfLink = h("a", { class: "button secondary", id: "perf-pdf", href: "#", text: T.pdf });
  const box = h("section", { class: "review-print", "aria-live": "polite" });
  const form = h("form", { class: "no-print" },
    h("div", { class: "field" }, h("label", { for: "perf-area", text: T.area }), areaSelect),
    h("div", { class: "field" }, h("label", { for: "perf-months", text: T.months }), months),
    h("p", {}, show, " ", printButton, " ", pdfLink));
  clear(root).append(h("h2", { class: "no-print", text: T.title }), h("p", { class: "hint no-print", text: T.intro }), form, box);

  async function load() {
    clear(box).append(status(T.loading));
    const params = { area: areaSelect.value, months: months.value };
    pdfLink.href = `/api/v1/admin/performance.pdf?${query({ area: params.area })}`;
    pdfLink.setAttribute("download", `performance-${params.area}.pdf`);
    let data;
    try {
      data = await getJson(`/api/v1/admin/performance?${query(params)}`, { cache: "no-store" });
    } catch (err) {
      clear(box).append(status(err.status === 422 || err.status === 403 ? err.message : T.loadFailed, "error"));
      return;
    }
    const uPlot = await loadUPlot().catch(() => null);  // without charts the tables still say everything
    clear(box).append(h("h2", { class: "print-only", text: `${T.title}: ${data.area_name}` }),
      h("p", { class: "hint", text: data.caveat }),
      ...quarterSection(data.quarter), ...knifeSection(data.knife, uPlot),
      ...havensSection(data.havens), ...noticesSection(data.notices, uPlot), ...surveySection(data.surveys, uPlot));
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  printButton.addEventListener("click", () => window.print());
  // On paper every table is shown, folded or not.
  window.addEventListener("beforeprint", () => box.querySelectorAll("details.figures").forEach((d) => { d.open = true; }));
  load();
}

// Surveys in the console: open and close survey periods (editors), results for an area as suppressed tables
// with a month-by-month chart and a CSV of the same tables, and the free-text queue (editors).
import { h, clear, status, date, monthOrDate } from "../dom.js";
import { api, getJson, query, areas as fetchAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { loadUPlot, table, chartBox, drawLines } from "./charts.js";

const T = strings.surveysStaff;
const cell = (v) => (v === null || v === undefined ? T.hidden : String(v));

function periodLabel(survey, w) {
  return T.period(survey.title, date(w.opens_on), date(w.closes_on));
}

function openForm(survey, onDone) {
  const id = `open-${survey.slug}`;
  const opens = h("input", { type: "date", id: `${id}-from`, required: true });
  const closes = h("input", { type: "date", id: `${id}-until`, required: true });
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "survey-open", novalidate: true },
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: `${id}-from`, text: T.opensOn }), opens),
      h("div", { class: "field" }, h("label", { for: `${id}-until`, text: T.closesOn }), closes)),
    h("button", { type: "submit", class: "button primary", text: T.open }), result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!opens.value || !closes.value) {
      clear(result).append(status(T.chooseDates, "error"));
      return;
    }
    try {
      await api(`/api/v1/admin/surveys/${encodeURIComponent(survey.slug)}/windows`, { method: "POST", body: { opens_on: opens.value, closes_on: closes.value } });
      onDone(T.opened(survey.title));
    } catch (err) {
      clear(result).append(status(err.message, "error"));
    }
  });
  return form;
}

function surveyCard(survey, { editor, reload }) {
  const rows = survey.windows.map((w) => h("tr", {},
    h("th", { scope: "row", text: T.dates(date(w.opens_on), date(w.closes_on)) }), h("td", { text: T.state[w.state] }),
    h("td", { text: w.answers === null ? T.fewerThan10 : String(w.answers) }),
    editor ? h("td", {}, w.state === "closed" ? "" : h("button", { type: "button", class: "button secondary", text: w.state === "open" ? T.closeNow : T.cancelPlanned,
      onclick: async () => {
        try {
          await api(`/api/v1/admin/surveys/windows/${w.id}/close`, { method: "POST" });
          reload(w.state === "open" ? T.closed(survey.title) : T.cancelled(survey.title));
        } catch (err) {
          reload(err.message, "error");
        }
      } })) : null));
  return h("article", { class: "card" }, h("h3", { text: survey.title }), h("p", { class: "hint", text: survey.purpose }),
    h("p", { class: "hint", text: T.audience(survey.audience.tiers) }),
    survey.windows.length ? table(T.periodsOf(survey.title), [T.periodsHead, T.stateHead, T.answersHead, ...(editor ? [T.actionHead] : [])], rows)
      : h("p", { text: T.noPeriods }),
    editor ? h("details", {}, h("summary", { text: T.openSummary }), openForm(survey, reload)) : null,
    editor ? editDetails(survey, reload) : null);
}

function editDetails(survey, reload) {
  const box = h("div");
  const details = h("details", { class: "survey-edit" }, h("summary", { text: T.editSummary }), box);
  details.addEventListener("toggle", async () => {
    if (!details.open || box.firstChild) return;
    const { editSurvey } = await import("./survey_editor.js");
    await editSurvey(box, survey.slug, { onDone: (message) => reload(message) });
  });
  return details;
}

function questionTable(report, q) {
  const head = [T.answer, ...report.columns.map((c) => c.label), ...(report.totals ? [T.total] : [])];
  const line = (label, cells, total) => h("tr", {}, h("th", { scope: "row", text: label }), cells.map((v) => h("td", { text: cell(v) })),
    report.totals ? h("td", { text: cell(total) }) : null);
  return table(q.text, head, [...q.rows.map((r) => line(r.label, r.cells, r.total)), line(T.answered, q.answered, q.answered_total)]);
}

async function results(box, report, uPlot) {
  clear(box).append(h("p", { class: "hint", text: report.note }));
  if (!report.columns.length) {
    box.append(status(T.noMonthsYet, "info"));
    return;
  }
  for (const q of report.questions) {
    box.append(h("h4", { text: q.text }));
    const answered = report.totals ? [q.answered_total] : q.answered;
    if (answered.every((v) => v === null)) {
      box.append(h("p", { class: "hint", text: T.tooFew }));
      continue;
    }
    if (report.by === "month" && uPlot && report.columns.length > 1) {
      const chart = chartBox(T.chartOf(q.text));
      box.append(chart);
      requestAnimationFrame(() => drawLines(uPlot, chart, report.columns.map((c) => c.key),
        q.rows.map((r) => ({ name: r.label, counts: r.cells })), { xLabel: T.month }));
    }
    box.append(questionTable(report, q));
  }
}

async function freeText(root) {
  const box = h("section", {}, h("h3", { text: T.freeTextTitle }));
  root.append(box);
  let items = [];
  try {
    items = (await getJson("/api/v1/admin/surveys/free-text", { cache: "no-store" })).items;
  } catch (err) {
    box.append(status(err.message, "error"));
    return;
  }
  if (!items.length) box.append(h("p", { text: T.freeTextNone }));
  for (const item of items) {
    const result = h("span", { "aria-live": "polite" });
    const decide = (decision) => async () => {
      try {
        await api(`/api/v1/admin/surveys/free-text/${item.id}`, { method: "POST", body: { decision } });
        card.replaceWith(status(decision === "approve" ? T.kept : T.erased, "ok"));
      } catch (err) {
        clear(result).append(err.message);
      }
    };
    const card = h("article", { class: "card" }, h("p", { text: item.text }), h("p", { class: "hint", text: monthOrDate(item.month) }),
      h("p", { class: "row" }, h("button", { type: "button", class: "button", text: T.keep, onclick: decide("approve") }),
        h("button", { type: "button", class: "button secondary", text: T.erase, onclick: decide("remove") }), result));
    box.append(card);
  }
}

async function perceivedSection(root, slugs, areaName) {
  const box = h("section", { class: "perceived" }, h("h3", { text: T.perceivedTitle }), h("p", { class: "hint", text: T.perceivedIntro }));
  root.append(box);
  const select = h("select", { id: "perceived-area" }, slugs.map((a) => h("option", { value: a, text: areaName(a) })));
  const body = h("div", { "aria-live": "polite" });
  box.append(h("div", { class: "field" }, h("label", { for: "perceived-area", text: T.area }), select), body);
  async function show(message) {
    clear(body).append(status(strings.loading));
    let data;
    try {
      data = await getJson(`/api/v1/admin/surveys/perceived?${query({ area: select.value })}`, { cache: "no-store" });
    } catch (err) {
      clear(body).append(status(err.message, "error"));
      return;
    }
    clear(body);
    if (message) body.append(status(message, "ok"));
    body.append(h("p", { text: data.enabled ? T.perceivedOn : T.perceivedOff }), h("p", { text: data.message }));
    if (data.squares.length) {
      body.append(h("p", { class: "hint", text: T.perceivedSquares(data.squares.length, monthOrDate(data.from), monthOrDate(data.to)) }));
      const mapBox = h("div", { class: "survey-map" });
      body.append(mapBox);
      const { createMap } = await import("../map.js");
      const view = await createMap(mapBox, { label: T.perceivedMap, area: select.value });
      await view.setArea(select.value);
      const dLat = 100 / 111320;
      for (const sq of data.squares) {
        const dLon = dLat / Math.cos((sq.lat * Math.PI) / 180);
        view.L.rectangle([[sq.lat - dLat / 2, sq.lon - dLon / 2], [sq.lat + dLat / 2, sq.lon + dLon / 2]],
          { color: "#7c3aed", weight: 2, fillOpacity: 0.35 }).bindTooltip(T.perceivedAnswers(sq.answers)).addTo(view.layers.hotspots);
      }
      body.append(table(T.perceivedTable, [T.perceivedWhere, T.answersHead], data.squares.map((sq) =>
        h("tr", {}, h("th", { scope: "row", text: `${sq.lat.toFixed(4)}, ${sq.lon.toFixed(4)}` }), h("td", { text: String(sq.answers) })))));
    }
    const toggle = h("button", { type: "button", class: data.enabled ? "button secondary" : "button primary", id: "perceived-toggle",
      text: data.enabled ? T.turnOff : T.turnOn, disabled: !data.squares.length && !data.enabled });
    toggle.addEventListener("click", async () => {
      toggle.disabled = true;
      try {
        await api(`/api/v1/admin/surveys/perceived?${query({ area: select.value })}`, { method: "PUT", body: { enabled: !data.enabled } });
        show(data.enabled ? T.turnedOff : T.turnedOn);
      } catch (err) {
        body.append(status(err.message, "error"));
        toggle.disabled = false;
      }
    });
    body.append(h("p", {}, toggle));
  }
  select.addEventListener("change", () => show());
  await show();
}

export async function render(root, { me }) {
  const roles = me.roles || [];
  const editor = roles.includes("editor") || roles.includes("admin");
  const served = areaList(await fetchAreas().catch(() => null));
  const slugs = me.areas && me.areas.length ? me.areas : served.map((a) => a.slug);
  const areaName = (slug) => (served.find((a) => a.slug === slug) || {}).name || slug;

  async function load(message, kind = "ok") {
    clear(root).append(h("h2", { text: T.title }), h("p", { class: "hint", text: T.intro }));
    if (message) root.append(status(message, kind));
    let data;
    try {
      data = await getJson("/api/v1/admin/surveys", { cache: "no-store" });
    } catch (err) {
      root.append(status(err.message, "error"));
      return;
    }
    const list = h("section", {}, h("h3", { text: T.surveysTitle }));
    for (const s of data.surveys) list.append(surveyCard(s, { editor, reload: load }));
    const periods = data.surveys.flatMap((s) => s.windows.map((w) => ({ s, w })));
    const periodSelect = h("select", { id: "survey-period" }, periods.map(({ s, w }) => h("option", { value: String(w.id), text: periodLabel(s, w) })));
    const areaSelect = h("select", { id: "survey-area" }, slugs.map((a) => h("option", { value: a, text: areaName(a) })));
    const bySelect = h("select", { id: "survey-by" }, Object.entries(T.by).map(([k, label]) => h("option", { value: k, text: label })));
    const csv = h("a", { class: "button secondary", id: "survey-csv", href: "#", text: T.csv });
    const box = h("div", { class: "survey-results", "aria-live": "polite" });
    const form = h("form", {}, h("div", { class: "field" }, h("label", { for: "survey-period", text: T.periodLabel }), periodSelect),
      h("div", { class: "field" }, h("label", { for: "survey-area", text: T.area }), areaSelect),
      h("div", { class: "field" }, h("label", { for: "survey-by", text: T.byLabel }), bySelect),
      h("p", {}, h("button", { type: "submit", class: "button primary", text: T.show }), " ", csv));
    const resultsSection = h("section", {}, h("h3", { text: T.resultsTitle }), periods.length ? form : h("p", { text: T.noResults }), box);
    root.append(resultsSection, list);
    if (editor) await freeText(root);
    if (roles.includes("officer") || roles.includes("admin")) await perceivedSection(root, slugs, areaName);
    async function show() {
      const params = { area: areaSelect.value, by: bySelect.value };
      const url = `/api/v1/admin/surveys/windows/${periodSelect.value}/report`;
      csv.href = `${url}?${query({ ...params, format: "csv" })}`;
      clear(box).append(status(strings.loading));
      try {
        const report = await getJson(`${url}?${query(params)}`, { cache: "no-store" });
        await results(box, report, await loadUPlot().catch(() => null));
      } catch (err) {
        clear(box).append(status(err.message, err.status === 409 ? "info" : "error"));
      }
    }
    form.addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
    if (periods.length) show();
  }
  await load();
}

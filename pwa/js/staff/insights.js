// Pupil journeys after school: the flow map with a time slider, the staggering planner (before/after per
// school) and the patrol plan with one-click print and PDF. Only aggregated, suppressed numbers come back.
import { h, clear, status } from "../dom.js";
import { api, getJson, query, areas as fetchAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { createMap, labelledMarker } from "../map.js";
import { field, errorStatus } from "./form.js";

const S = strings.insights;

function nextWeekday() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  while (d.getDay() === 0 || d.getDay() === 6) d.setDate(d.getDate() + 1);
  return d.toISOString().slice(0, 10);
}

const n = (v) => (v == null ? S.fewer : String(v));

function list(items) {
  return h("ul", {}, items.map((t) => h("li", { text: t })));
}

export async function render(root, { me }) {
  let slugs = me.areas && me.areas.length ? me.areas : [];
  if (!slugs.length) {
    try {
      slugs = areaList(await fetchAreas()).map((a) => a.slug);
    } catch (err) {
      slugs = [];
    }
  }
  const areaSelect = h("select", { id: "insights-area" }, slugs.map((a) => h("option", { value: a, text: a })));
  const day = h("input", { type: "date", id: "insights-date", value: nextWeekday() });
  const form = h("form", { class: "row" }, field(S.area, areaSelect), field(S.day, day), h("button", { type: "submit", class: "button", text: S.show }));
  const flowBox = h("section", { id: "insights-flows", "aria-labelledby": "insights-flows-title" });
  const plannerBox = h("section", { id: "insights-planner" });
  const patrolBox = h("section", { id: "insights-patrol" });
  clear(root).append(h("h2", { text: S.title }), h("p", { class: "hint", text: S.hint }), form, flowBox, plannerBox, patrolBox);
  let view = null;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load();
  });

  async function load() {
    const params = { area: areaSelect.value, date: day.value };
    clear(flowBox).append(status(strings.loading));
    clear(plannerBox);
    clear(patrolBox);
    let flows;
    try {
      flows = await getJson(`/api/v1/admin/insights/flows?${query(params)}`, { cache: "no-store", timeoutMs: 60000 });
    } catch (err) {
      clear(flowBox).append(errorStatus(err));
      return;
    }
    await drawFlows(flows, params);
    drawPlanner(flows, params);
    drawPatrol(params);
  }

  async function drawFlows(flows, params) {
    const mapBox = h("div", { id: "insights-map" });
    const slider = h("input", { type: "range", id: "insights-slider", min: "0", max: String(Math.max(0, flows.windows.length - 1)), value: "0", step: "1" });
    const label = h("p", { id: "insights-window", role: "status" });
    const busiest = h("div", { "aria-live": "polite" });
    const schools = h("ul", { class: "hint" }, flows.schools.map((s) => h("li", { text: `${s.name}: finishes ${s.finishes.map((f) => f.time).join(", ")}; ${n(s.walking_pupils)} pupils walking (${S.source(s)})` })));
    clear(flowBox).append(h("h3", { id: "insights-flows-title", text: S.flowTitle }), mapBox, field(S.slider, slider), label,
      h("p", { class: "hint", text: S.legend }), busiest, schools, ...(flows.notes || []).map((t) => status(t, "warn")));
    try {
      view = await createMap(mapBox, { label: S.flowTitle, area: params.area });
      await view.setArea(params.area);
      for (const s of flows.schools) labelledMarker(view.L, s.lat, s.lon, { title: s.name, className: "pin-school-small", size: 24 }).addTo(view.layers.schools);
      const fitTo = flows.streets.flatMap((st) => st.coordinates.map(([lon, lat]) => [lat, lon]));
      view.map.invalidateSize();
      view.fit(fitTo.length ? fitTo : flows.schools.map((s) => [s.lat, s.lon]));
    } catch (err) {
      mapBox.replaceChildren(status(err.message, "warn"));
      view = null;
    }
    const peak = flows.windows.reduce((best, _, k) => {
      const total = flows.streets.reduce((sum, st) => sum + (st.pupils[k] || 0), 0);
      return total > best.total ? { k, total } : best;
    }, { k: 0, total: -1 });
    slider.value = String(peak.k);
    function show() {
      const k = Number(slider.value);
      label.textContent = flows.windows.length ? S.window(flows.windows[k]) : S.noStreets;
      slider.setAttribute("aria-valuetext", flows.windows[k] || "");
      const live = flows.streets.filter((st) => st.pupils[k] != null);
      if (view) {
        view.layers.routes.clearLayers();
        for (const st of live) {
          const meet = st.schools_meeting[k] >= 2;
          view.L.polyline(st.coordinates.map(([lon, lat]) => [lat, lon]), {
            color: meet ? "#b00020" : "#1f4fbf", weight: Math.min(12, 2 + Math.sqrt(st.pupils[k])), opacity: 0.85, interactive: false,
          }).addTo(view.layers.routes);
        }
      }
      const top = [...live].sort((a, b) => b.pupils[k] - a.pupils[k]).slice(0, 5);
      clear(busiest).append(h("h4", { text: S.busiest }), top.length ? list(top.map((st) => `${st.street}: ${st.pupils[k]} pupils${st.schools_meeting[k] >= 2 ? ` from ${st.schools_meeting[k]} schools` : ""}`)) : status(S.noStreets));
    }
    slider.addEventListener("input", show);
    show();
  }

  function drawPlanner(flows, params) {
    const options = (lo, hi, value) => {
      const out = [];
      for (let m = lo; m <= hi; m += 5) out.push(h("option", { value: String(m), text: S.minutes(m), selected: m === value ? "selected" : null }));
      return out;
    };
    const rows = flows.schools.map((s) => {
      const earliest = h("select", { "aria-label": `${S.earliest}: ${s.name}` }, options(-60, 0, -15));
      const latest = h("select", { "aria-label": `${S.latest}: ${s.name}` }, options(0, 60, 30));
      const keep = h("input", { type: "checkbox", "aria-label": `${S.keep}: ${s.name}` });
      return { s, earliest, latest, keep, tr: h("tr", {}, h("td", { text: s.name }), h("td", { text: s.finishes.map((f) => f.time).join(", ") }), h("td", {}, earliest), h("td", {}, latest), h("td", {}, keep)) };
    });
    const result = h("div", { id: "insights-plan-result", "aria-live": "polite" });
    const run = h("button", { type: "button", class: "button primary", id: "insights-plan", text: S.plan });
    run.addEventListener("click", async () => {
      clear(result).append(status(strings.loading));
      const schools = {};
      for (const r of rows) schools[r.s.urn] = r.keep.checked ? { pinned: true } : { earliest_min: Number(r.earliest.value), latest_min: Number(r.latest.value) };
      try {
        const { data } = await api("/api/v1/admin/insights/planner", { method: "POST", body: { ...params, schools }, timeoutMs: 60000 });
        clear(result).append(
          h("p", { class: "plan-score", text: S.score(data.before, data.after, data.reduction_pct) }),
          h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": S.tableRegion }, h("table", {}, h("thead", {}, h("tr", {}, [S.school, S.before, S.after, S.change, S.affected].map((t) => h("th", { text: t })))),
            h("tbody", {}, data.schools.map((s) => h("tr", {}, h("td", { text: s.name }), h("td", { text: s.finishes_before.map((f) => f.time).join(", ") }),
              h("td", { text: s.finishes_after.map((f) => f.time).join(", ") }), h("td", { text: S.minutes(s.shift_min) }),
              h("td", { text: s.shift_min ? n(s.pupils_affected) : S.minutes(0) })))))),
          h("h4", { text: S.improving }),
          list(data.improving_streets.map((st) => `${st.street}: ${st.conflict_before.toFixed(1)} → ${st.conflict_after.toFixed(1)}`)),
          h("details", {}, h("summary", { text: S.assumptions }), list([data.objective, ...data.assumptions])));
      } catch (err) {
        clear(result).append(errorStatus(err));
      }
    });
    clear(plannerBox).append(h("h3", { text: S.plannerTitle }), h("p", { class: "hint", text: S.plannerHint }),
      h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": S.tableRegion }, h("table", {}, h("thead", {}, h("tr", {}, [S.school, S.finish, S.earliest, S.latest, S.keep].map((t) => h("th", { text: t })))), h("tbody", {}, rows.map((r) => r.tr)))),
      h("p", {}, run), result);
  }

  function drawPatrol(params) {
    const from = h("input", { type: "time", id: "patrol-from" });
    const to = h("input", { type: "time", id: "patrol-to" });
    const points = h("input", { type: "number", id: "patrol-points", min: "1", max: "12", value: "5" });
    const out = h("div", { id: "insights-patrol-result", "aria-live": "polite" });
    const make = h("button", { type: "button", class: "button primary", id: "patrol-make", text: S.makePatrol });
    make.addEventListener("click", async () => {
      const q = { ...params, points: points.value };
      if (from.value) q.from = from.value;
      if (to.value) q.to = to.value;
      clear(out).append(status(strings.loading));
      let plan;
      try {
        plan = await getJson(`/api/v1/admin/insights/patrol-plan?${query(q)}`, { cache: "no-store", timeoutMs: 60000 });
      } catch (err) {
        clear(out).append(errorStatus(err));
        return;
      }
      const drafted = h("div", { "aria-live": "polite" });
      const draft = h("button", { type: "button", class: "button secondary", id: "patrol-draft", text: S.draft });
      draft.addEventListener("click", async () => {
        clear(drafted);
        try {
          await api(`/api/v1/admin/insights/patrol-plan/notice?${query(q)}`, { method: "POST", timeoutMs: 60000 });
          drafted.append(status(S.drafted));
        } catch (err) {
          drafted.append(errorStatus(err));
        }
      });
      if (view) {
        view.layers.picks.clearLayers();
        for (const p of plan.points) labelledMarker(view.L, p.lat, p.lon, { title: `${p.rank}. ${p.street} ${p.arrive}`, className: "pin-hotspot" }).addTo(view.layers.picks);
      }
      clear(out).append(
        h("p", { text: `${plan.from}–${plan.to}. ${S.loop((plan.loop_m / 1000).toFixed(1), plan.points.length)}` }),
        h("p", { class: "row" },
          h("a", { class: "button primary", id: "patrol-print", href: `/api/v1/admin/insights/patrol-plan.html?${query(q)}`, target: "_blank", rel: "noopener", text: S.print }),
          h("a", { class: "button secondary", id: "patrol-pdf", href: `/api/v1/admin/insights/patrol-plan.pdf?${query(q)}`, download: "", text: S.pdf })),
        h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": S.tableRegion }, h("table", {}, h("thead", {}, h("tr", {}, ["#", S.where, S.beThere, S.pupilsBusiest].map((t) => h("th", { text: t })))),
          h("tbody", {}, plan.points.map((p) => h("tr", {}, h("td", { text: String(p.rank) }), h("td", { text: p.street }), h("td", { text: `${p.arrive}–${p.leave}` }), h("td", { text: n(p.pupils_busiest) })))))),
        h("h4", { text: S.noticeTitle }), h("div", { class: "card" }, h("strong", { text: plan.draft_notice.title }), h("p", { text: plan.draft_notice.body })),
        h("p", {}, draft), drafted);
    });
    clear(patrolBox).append(h("h3", { text: S.patrolTitle }), h("div", { class: "row" }, field(S.from, from), field(S.to, to), field(S.points, points)), h("p", {}, make), out);
  }

  if (areaSelect.value) await load();
  return () => view && view.map.remove();
}

// Charts for the console: uPlot (vendored under /vendor/, no third-party request), always drawn beside a table
// that says the same thing, because the table is what screen readers and print read.
import { h } from "../dom.js";

// Distinct colours with different dash patterns, so lines differ without colour too.
const LINES = [
  { stroke: "#1d4ed8", dash: [] }, { stroke: "#b45309", dash: [8, 4] },
  { stroke: "#047857", dash: [2, 3] }, { stroke: "#7c3aed", dash: [10, 3, 2, 3] },
  { stroke: "#be123c", dash: [4, 2] }, { stroke: "#334155", dash: [1, 2] },
];

let uPlotModule = null;
export async function loadUPlot() {
  if (!uPlotModule) {
    document.head.append(h("link", { rel: "stylesheet", href: "/vendor/uplot/uPlot.min.css" }));
    uPlotModule = (await import("/vendor/uplot/uPlot.esm.js")).default;
  }
  return uPlotModule;
}

export const monthStart = (m) => Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, 1) / 1000;

export function table(caption, head, rows) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h("table", { class: "review-table" }, h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, rows)));
}

export function chartBox(label) {
  // The chart is a picture of the table next to it; screen readers read the table.
  return h("div", { class: "chart no-print-break", role: "img", "aria-label": label });
}

/** One line per series over months ("2026-01"); a null count is a gap, never a zero. */
export function drawLines(uPlot, box, months, series, { xLabel }) {
  const width = Math.max(280, Math.min(720, box.clientWidth || 360));
  const data = [months.map(monthStart), ...series.map((s) => s.counts)];
  return new uPlot({
    width, height: 220,
    series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.name, stroke: LINES[i % LINES.length].stroke,
      dash: LINES[i % LINES.length].dash, width: 2, spanGaps: false, points: { show: months.length < 3 } }))],
    axes: [{}, { size: 40 }],
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(5, Math.ceil(max * 1.1))] } },
    legend: { show: true, live: false },
    cursor: { show: false },
  }, data, box);
}

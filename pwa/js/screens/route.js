// Route home: school -> home -> shortest and safer routes with the trade-off said in words.
import { h, clear, status, screenTitle, minutes, distance, monthOrDate, announce } from "../dom.js";
import { getJson, query, areas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { createMap, addLegend, endpointMarker, preferredArea } from "../map.js";
import { placePicker } from "../places.js";
import { schoolPicker } from "../schools.js";
import { requestLocation, forgetLocation } from "../location.js";
import { showProblem, straightLineText } from "../feedback.js";

const S = strings.route;

/** The trade-off in words: "2 minutes longer, passes 2 safe places, avoids about 40% of the risk ...". */
export function tradeoffText(shortest, safer) {
  if (!safer || !shortest) return "";
  const a = shortest.properties;
  const b = safer.properties;
  if (Math.abs((b.length_m || 0) - (a.length_m || 0)) < 1 && !(b.exposure_saved_pct > 0)) return S.same;
  const parts = [S.longer(minutes(b.duration_s || 0) - minutes(a.duration_s || 0))]; // the cards' own minutes
  const havens = (b.havens_nearby || []).length;
  if (havens) parts.push(S.passesHavens(havens));
  if (b.exposure_saved_pct > 0) parts.push(S.avoids(Math.round(b.exposure_saved_pct)));
  const avoided = (a.streets || []).filter((name) => name && !(b.streets || []).includes(name)).slice(0, 2);
  if (avoided.length) parts.push(S.avoidsStreets(avoided));
  return S.tradeoff(parts);
}

export async function render(main, params) {
  let school = null;
  let home = null;
  let view = null;
  let viewPromise = null;
  const mapBox = h("div", { id: "route-map" });
  const out = h("div", { class: "route-results", "aria-live": "polite" });
  const coverage = h("div", { class: "coverage-note", "aria-live": "polite" });
  // One map per screen, however many callers ask at once (a deep link picks a school while the map is loading).
  const getMap = () => {
    if (!viewPromise) {
      viewPromise = (async () => {
        try {
          // Tapping a school on the map picks it, like choosing it from the search.
          const area = school ? school.area : await preferredArea().catch(() => null);
          view = await createMap(mapBox, { label: S.mapLabel, area, onSchool: (s) => schools.pick(s) });
          addLegend(view, legendItems());
        } catch (err) {
          mapBox.replaceChildren(status(err.message, "warn"));
        }
        return view;
      })();
    }
    return viewPromise;
  };
  const schools = schoolPicker({ onPick: async (s) => { school = s; showCoverage(coverage, s.area); const v = await getMap(); if (v && s.area) v.setArea(s.area); } });
  const homePicker = placePicker({ onPick: (p) => { forgetLocation(); home = p; }, getMap, hint: S.homeHint });
  const locate = h("button", { type: "button", class: "button secondary", text: S.useLocation });
  locate.addEventListener("click", async () => {
    try {
      home = await requestLocation();
      home = { ...home, ref: `${home.lat},${home.lon}` };
      announce(strings.place.chosen(home.label));
    } catch (err) {
      clear(out).append(status(err.message, "warn"));
    }
  });
  const go = h("button", { type: "button", class: "button primary big", id: "get-routes", text: S.getRoutes });
  go.addEventListener("click", () => showRoutes());
  main.append(
    screenTitle(S.title),
    h("p", { text: S.intro }),
    h("section", { "aria-labelledby": "route-step1" }, h("h2", { id: "route-step1", text: S.step1 }), schools.element),
    h("section", { "aria-labelledby": "route-step2" }, h("h2", { id: "route-step2", text: S.step2 }), homePicker, h("p", {}, locate)),
    h("section", { "aria-labelledby": "route-step3" }, h("h2", { id: "route-step3", text: S.step3 }), coverage, h("p", {}, go), connection(), out),
    mapBox,
  );
  getMap();
  const urn = params.get("school");
  if (urn) {
    try {
      const s = await getJson(`/api/v1/schools/${encodeURIComponent(urn)}`);
      schools.pick(s.school || s);
    } catch (err) {
      /* the person can still search */
    }
  }

  async function showRoutes() {
    if (!school || !home) {
      showProblem(out, status(S.needBoth, "warn"));
      return;
    }
    clear(out).append(status(strings.loading));
    let fc;
    try {
      fc = await getJson(`/api/v1/routes?${query({ from: `school:${school.urn}`, to: home.ref || `${home.lat},${home.lon}` })}`, { cache: "no-store", timeoutMs: 20000 });
    } catch (err) {
      await showRouteFailure(err);
      return;
    }
    const features = fc.features || [];
    const shortest = features.find((f) => f.properties.kind === "shortest");
    const safer = features.find((f) => f.properties.kind === "safer");
    clear(out);
    const list = h("ul", { class: "cards routes" });
    for (const [f, label, cls] of [[safer, S.safer, "safer"], [shortest, S.shortest, "shortest"]]) {
      if (!f) continue;
      const p = f.properties;
      list.append(h("li", { class: `card route ${cls}` }, h("h3", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), label),
        h("p", { text: S.summary(minutes(p.duration_s), distance(p.length_m)) }),
        p.streets && p.streets.length ? h("p", { class: "hint", text: S.via(p.streets.slice(0, 6).join(", ")) }) : null));
    }
    out.append(h("p", { class: "tradeoff", id: "tradeoff", text: tradeoffText(shortest, safer) }), list);
    // A flagged area the safer route could not get round within the detour cap is a warning, not a hint (i12).
    const flagged = fc.flagged_on_route && fc.flagged_on_route.hotspots ? (fc.notes || []).find((n) => /flagged/.test(n)) : null;
    if (flagged) out.insertBefore(h("p", { class: "status status-warn", role: "status", id: "route-flagged", text: flagged }), list);
    // Data dates are said once, in words, below: skip the server's own data-date note.
    for (const note of fc.notes || []) {
      if (note === flagged || (fc.data_as_of && note.startsWith(strings.arrival.serverDataNote))) continue;
      out.append(h("p", { class: "hint", text: note }));
    }
    if (fc.data_as_of) out.append(h("p", { class: "hint", text: S.dataAsOf(monthOrDate(fc.data_as_of)) }));
    out.append(h("p", { class: "caveat", text: S.caveat }));
    announce(tradeoffText(shortest, safer));
    const v = await getMap();
    if (!v) return;
    v.layers.routes.clearLayers();
    v.layers.picks.clearLayers();
    if (fc.area) v.setArea(fc.area);
    const latlngs = [];
    if (shortest) latlngs.push(...v.L.geoJSON(shortest, { style: { color: "#6b6f76", weight: 4, dashArray: "8 6" } }).addTo(v.layers.routes).getLayers().flatMap((l) => l.getLatLngs()));
    if (safer) latlngs.push(...v.L.geoJSON(safer, { style: { color: "#0b5cad", weight: 6 } }).addTo(v.layers.routes).getLayers().flatMap((l) => l.getLatLngs()));
    endpointMarker(v.L, school.lat, school.lon, { label: strings.arrival.start(school.name), className: "pin-school" }).addTo(v.layers.picks);
    endpointMarker(v.L, home.lat, home.lon, { label: strings.arrival.end(home.label), className: "pin-origin" }).addTo(v.layers.picks);
    v.fit(latlngs.length ? latlngs : [[school.lat, school.lon], [home.lat, home.lon]]);
  }

  /** No route: the plain sentence next to the button, the straight-line distance and direction, a dashed line. */
  async function showRouteFailure(err) {
    if (!err.status) {
      showProblem(out, status(strings.arrival.routesNeedConnection, "warn"));
      return;
    }
    const noStreets = err.code === "no_street_nearby" || err.code === "unreachable";
    const parts = [status(noStreets ? err.message : err.message || strings.errorGeneric, noStreets ? "warn" : "error")];
    if (noStreets) parts.push(h("p", { class: "straight-line", text: straightLineText(school, home) }));
    showProblem(out, ...parts);
    const v = await getMap();
    if (!v || !noStreets) return;
    v.layers.routes.clearLayers();
    v.layers.picks.clearLayers();
    v.L.polyline([[school.lat, school.lon], [home.lat, home.lon]], { color: "#0b5cad", dashArray: "6 8", weight: 4 }).addTo(v.layers.routes);
    endpointMarker(v.L, school.lat, school.lon, { label: strings.arrival.start(school.name), className: "pin-school" }).addTo(v.layers.picks);
    endpointMarker(v.L, home.lat, home.lon, { label: strings.arrival.end(home.label), className: "pin-origin" }).addTo(v.layers.picks);
    v.fit([[school.lat, school.lon], [home.lat, home.lon]]);
  }

  return () => {
    forgetLocation();
    home = null;
    if (view) view.map.remove();
  };
}

function legendItems() {
  const A = strings.arrival;
  return [["safer", A.legendSafer], ["shortest", A.legendShortest], ["schools", A.legendSchools], ["start", A.legendStart], ["end", A.legendEnd]];
}

/** Before anyone asks: say when an area's streets are only partly loaded, so some routes cannot be drawn. */
async function showCoverage(box, slug) {
  clear(box);
  if (!slug) return;
  let area = null;
  try {
    area = areaList(await areas()).find((a) => a.slug === slug) || null;
  } catch (err) {
    return;
  }
  if (area && area.streets !== "full") box.append(h("p", { class: "coverage", text: strings.arrival.coverageRoute(area.name) }));
}

/** "Routes need a connection" beside the route button while the phone is offline. */
function connection() {
  const box = h("p", { class: "connection hint", "aria-live": "polite" });
  const update = () => { box.textContent = navigator.onLine ? "" : strings.arrival.routesNeedConnection; };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
  return box;
}

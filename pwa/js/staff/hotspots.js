// Officer hotspots: pick any area in scope, place by street name, postcode or a tap on the map, check the
// effect on sample school routes before saving (with a clear warning when it changes none), then save.
import { h, clear, status, dateTime } from "../dom.js";
import { api, getJson, query, areas as servedAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { createMap, labelledMarker } from "../map.js";
import { field, group, errorStatus, placeErrors, clearFieldErrors, timeInput, normaliseTime, listOf } from "./form.js";

const C = strings.console;
const H = strings.console.hotspotForm;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export async function render(root, { me }) {
  const all = areaList(await servedAreas().catch(() => []));
  const inScope = (me.roles || []).includes("admin") ? all : all.filter((a) => (me.areas || []).includes(a.slug));
  const areaName = (slug) => (all.find((a) => a.slug === slug) || {}).name || slug;
  if (!inScope.length) {
    clear(root).append(h("h2", { text: C.sections.hotspots }), status(H.noAreas, "warn"));
    return undefined;
  }
  const areaSelect = h("select", { id: "hotspot-area" }, inScope.map((a) => h("option", { value: a.slug, text: a.name })));
  const place = h("input", { id: "hotspot-place", type: "search", autocomplete: "off", maxlength: "100" });
  const placeResults = h("ul", { class: "pick-results", id: "hotspot-place-results", "aria-live": "polite" });
  const findButton = h("button", { type: "button", class: "button secondary", id: "hotspot-find", text: H.find });
  const chosen = h("p", { class: "chosen", role: "status", id: "hotspot-chosen", text: H.notPlaced });
  const radius = h("input", { type: "number", id: "hotspot-radius", min: "10", max: "2000", step: "10", value: "100" });
  const weight = h("select", { id: "hotspot-weight" }, Object.entries(H.strengths).map(([v, t]) => h("option", { value: v, text: t })));
  const timed = h("input", { type: "checkbox", id: "hotspot-timed" });
  const dayBoxes = WEEKDAYS.map((d) => h("input", { type: "checkbox", id: `hotspot-day-${d}`, value: String(d), checked: d <= 5 }));
  const start = timeInput({ id: "hotspot-start" });
  const end = timeInput({ id: "hotspot-end" });
  const windows = group(H.when, [
    h("div", { class: "checks" }, dayBoxes.map((box, i) => h("label", { class: "check", for: box.id }, box, ` ${H.days[i]}`))),
    field(H.start, start, C.finishForm.timeHint), field(H.end, end)], { id: "hotspot-windows" });
  windows.hidden = true;
  timed.addEventListener("change", () => (windows.hidden = !timed.checked));
  const expires = h("input", { type: "date", id: "hotspot-expires" });
  const notes = h("input", { id: "hotspot-notes", maxlength: "2000" });
  const effect = h("div", { id: "hotspot-effect", "aria-live": "polite" });
  const message = h("div", { "aria-live": "polite" });
  const mapBox = h("div", { id: "hotspot-map" });
  const list = h("div", { "aria-live": "polite" });
  const check = h("button", { type: "button", class: "button", id: "hotspot-check", text: H.check });
  let point = null;
  let checkedFor = null;

  const placeField = h("div", { class: "field" }, h("label", { for: place.id, text: H.place }),
    h("p", { class: "hint", id: "hotspot-place-hint", text: H.placeHint }), h("div", { class: "row" }, place, findButton),
    placeResults, h("p", { id: "hotspot-place-error", class: "field-error", hidden: true }));
  place.setAttribute("aria-describedby", "hotspot-place-hint hotspot-place-error");
  const form = h("form", { novalidate: true }, field(C.area, areaSelect), placeField, chosen, mapBox,
    field(C.radius, radius, H.radiusHint), field(H.strength, weight, H.strengthHint),
    h("p", {}, h("label", { class: "check", for: timed.id }, timed, ` ${H.timed}`)), windows,
    field(H.expires, expires, H.expiresHint), field(C.label, notes, H.labelHint),
    h("p", { class: "row" }, check, h("button", { type: "submit", class: "button primary", id: "hotspot-save", text: C.addHotspot })),
    effect, message);
  clear(root).append(h("h2", { text: C.sections.hotspots }), h("p", { class: "hint", text: H.intro }), form, h("h2", { text: H.existing }), list);

  let view = null;
  // The map loads in the background: searching by street name works before (and without) it.
  const mapReady = createMap(mapBox, { label: H.mapLabel, area: areaSelect.value }).then((v) => {
    view = v;
    view.map.on("click", (ev) => setPoint(ev.latlng.lat, ev.latlng.lng, H.tapped));
    if (point) setPoint(point.lat, point.lon, chosen.dataset.label || H.tapped);
  }).catch((err) => mapBox.replaceChildren(status(err.message, "warn")));
  areaSelect.addEventListener("change", () => {
    view && view.setArea(areaSelect.value);
    point = null;
    chosen.textContent = H.notPlaced;
    if (view) view.layers.picks.clearLayers();
  });
  radius.addEventListener("input", () => point && drawPick());

  function drawPick() {
    if (!view || !point) return;
    view.layers.picks.clearLayers();
    view.L.circle([point.lat, point.lon], { radius: Number(radius.value) || 100, color: "#8a4b00" }).addTo(view.layers.picks);
  }

  function setPoint(lat, lon, label) {
    point = { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
    chosen.textContent = H.placedAt(label);
    chosen.dataset.label = label;
    clear(effect);
    drawPick();
    if (view) view.map.setView([point.lat, point.lon], Math.max(view.map.getZoom() || 16, 16));
  }

  async function find() {
    clear(placeResults);
    const text = place.value.trim();
    if (text.length < 2) return;
    let found = [];
    try {
      found = (await getJson(`/api/v1/geocode?${query({ q: text, area: areaSelect.value, limit: 6 })}`)).candidates || [];
    } catch (err) {
      placeResults.append(h("li", {}, errorStatus(err)));
      return;
    }
    if (!found.length) placeResults.append(h("li", { class: "hint", text: H.nothingFound }));
    for (const c of found) {
      placeResults.append(h("li", {}, h("button", { type: "button", class: "button secondary pick", text: c.label, onclick: () => {
        clear(placeResults);
        setPoint(c.lat, c.lon, c.label);
      } })));
    }
  }
  findButton.addEventListener("click", find);
  place.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      find();
    }
  });

  function body() {
    const out = { area: areaSelect.value, weight: Number(weight.value) };
    if (point) Object.assign(out, { lat: point.lat, lon: point.lon });
    if (point) out.radius_m = radius.value === "" ? null : Number(radius.value);
    if (timed.checked) {
      out.windows = [{ days: dayBoxes.filter((b) => b.checked).map((b) => Number(b.value)), start: normaliseTime(start.value), end: normaliseTime(end.value) }];
    }
    return out;
  }

  const controlFor = (name) => ({ area: areaSelect, lat: place, lon: place, shape: place, polygon: place, radius_m: radius, weight, windows, expires_at: expires, notes })[name.split(".")[0]];

  async function runCheck() {
    clear(effect);
    clearFieldErrors(form);
    if (!point) {
      placeErrors({ details: { field: "shape" }, message: H.pickPoint }, controlFor);
      return null;
    }
    effect.append(status(H.checking));
    try {
      const result = await getJson("/api/v1/admin/hotspots/preview", { method: "POST", body: body(), timeoutMs: 90000 });
      checkedFor = JSON.stringify(body());
      clear(effect).append(h("div", { class: `effect ${result.warning ? "effect-warning" : "effect-ok"}` },
        h("h3", { text: result.warning ? H.effectWarning : H.effectOk }),
        status(result.message, result.warning ? "warn" : "info"),
        h("p", { class: "hint", text: H.effectCounts(result.sampled, result.used, result.changed) })));
      return result;
    } catch (err) {
      clear(effect);
      if (!placeErrors(err, controlFor)) effect.append(errorStatus(err));
      return null;
    }
  }
  check.addEventListener("click", runCheck);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(message);
    if (checkedFor !== JSON.stringify(body()) && !(await runCheck())) return;
    const payload = body();
    if (notes.value.trim()) payload.notes = notes.value.trim();
    if (expires.value) payload.expires_at = new Date(`${expires.value}T23:59`).toISOString();
    try {
      await api("/api/v1/admin/hotspots", { method: "POST", body: payload });
      message.append(status(C.saved));
      point = null;
      checkedFor = null;
      chosen.textContent = H.notPlaced;
      if (view) view.layers.picks.clearLayers();
      await load();
    } catch (err) {
      const placed = placeErrors(err, controlFor);
      message.append(placed ? status(C.fixFields(placed), "error") : errorStatus(err));
    }
  });

  async function load() {
    clear(list).append(status(strings.loading));
    try {
      const hotspots = listOf(await getJson("/api/v1/admin/hotspots", { cache: "no-store" }), "hotspots");
      if (view) {
        view.layers.hotspots.clearLayers();
        for (const hs of hotspots) {
          if (hs.lat != null && hs.radius_m) view.L.circle([hs.lat, hs.lon], { radius: hs.radius_m, color: "#b00020" }).addTo(view.layers.hotspots);
          else if (hs.polygon) view.L.geoJSON(hs.polygon, { style: { color: "#b00020" } }).addTo(view.layers.hotspots);
          if (hs.lat != null) labelledMarker(view.L, hs.lat, hs.lon, { title: hs.notes || H.unnamed, className: "pin-hotspot" }).addTo(view.layers.hotspots);
        }
      }
      if (!hotspots.length) {
        clear(list).append(h("p", { class: "hint", text: H.none }));
        return;
      }
      clear(list).append(h("ul", { class: "cards" }, hotspots.map((hs) => h("li", { class: "card" },
        h("h3", { text: hs.notes || H.unnamed }),
        h("p", { class: "hint", text: [areaName(hs.area), hs.radius_m ? `${hs.radius_m} m` : null, H.strengths[String(hs.weight)] || H.strengthValue(hs.weight), hs.expires_at ? `${C.expires} ${dateTime(hs.expires_at)}` : null].filter(Boolean).join(" · ") }),
        h("button", { type: "button", class: "button secondary", text: strings.remove, onclick: async () => {
          if (!window.confirm(C.confirmDelete)) return;
          try {
            await api(`/api/v1/admin/hotspots/${hs.id}`, { method: "DELETE" });
            await load();
          } catch (err) {
            list.prepend(errorStatus(err));
          }
        } })))));
    } catch (err) {
      clear(list).append(errorStatus(err));
    }
  }
  await mapReady;
  await load();
  return () => view && view.map.remove();
}

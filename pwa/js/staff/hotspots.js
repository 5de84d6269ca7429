// Officer hotspots on the map: tap to place, set radius and weight; they feed the safer-route risk.
import { h, clear, status, dateTime } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { createMap, labelledMarker } from "../map.js";
import { field, errorStatus, localToIso, listOf } from "./form.js";

const C = strings.console;

export async function render(root, { me }) {
  const areas = me.areas && me.areas.length ? me.areas : ["southwark"];
  const areaSelect = h("select", { id: "hotspot-area" }, areas.map((a) => h("option", { value: a, text: a })));
  const radius = h("input", { type: "number", id: "hotspot-radius", min: "25", max: "2000", value: "150" });
  const weight = h("input", { type: "number", id: "hotspot-weight", min: "0.1", max: "10", step: "0.1", value: "3" });
  const notes = h("input", { id: "hotspot-notes", maxlength: "2000" });
  const expires = h("input", { type: "datetime-local", id: "hotspot-expires" });
  const chosen = h("p", { class: "chosen", role: "status" });
  const message = h("div", { "aria-live": "polite" });
  const mapBox = h("div", { id: "hotspot-map" });
  const list = h("div", { "aria-live": "polite" });
  let point = null;
  const form = h("form", {}, field(C.area, areaSelect), chosen, field(C.radius, radius), field(C.weight, weight),
    field(C.label, notes), field(C.expires, expires), h("p", {}, h("button", { type: "submit", class: "button primary", text: C.addHotspot })), message);
  clear(root).append(h("h2", { text: C.sections.hotspots }), h("p", { class: "hint", text: C.hotspotHint }), mapBox, form, list);

  let view = null;
  try {
    view = await createMap(mapBox, { label: C.sections.hotspots, area: areaSelect.value });
    view.map.on("click", (ev) => {
      point = { lat: Number(ev.latlng.lat.toFixed(6)), lon: Number(ev.latlng.lng.toFixed(6)) };
      view.layers.picks.clearLayers();
      view.L.circle([point.lat, point.lon], { radius: Number(radius.value) || 150, color: "#8a4b00" }).addTo(view.layers.picks);
      chosen.textContent = `${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}`;
    });
  } catch (err) {
    mapBox.replaceChildren(status(err.message, "warn"));
  }
  areaSelect.addEventListener("change", () => view && view.setArea(areaSelect.value));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(message);
    if (!point) {
      message.append(status(C.pickPoint, "warn"));
      return;
    }
    const body = { area: areaSelect.value, lat: point.lat, lon: point.lon, radius_m: Number(radius.value), weight: Number(weight.value) };
    if (notes.value.trim()) body.notes = notes.value.trim();
    const exp = localToIso(expires.value);
    if (exp) body.expires_at = exp;
    try {
      await api("/api/v1/admin/hotspots", { method: "POST", body });
      message.append(status(C.saved));
      point = null;
      chosen.textContent = "";
      if (view) view.layers.picks.clearLayers();
      await load();
    } catch (err) {
      message.append(errorStatus(err));
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
          if (hs.lat != null) labelledMarker(view.L, hs.lat, hs.lon, { title: hs.notes || `#${hs.id}`, className: "pin-hotspot" }).addTo(view.layers.hotspots);
        }
      }
      clear(list).append(h("ul", { class: "cards" }, hotspots.map((hs) => h("li", { class: "card" },
        h("h3", { text: hs.notes || `#${hs.id}` }),
        h("p", { class: "hint", text: [hs.area, hs.radius_m ? `${hs.radius_m} m` : null, `${C.weight.split(" (")[0]} ${hs.weight}`, hs.expires_at ? `${C.expires} ${dateTime(hs.expires_at)}` : null].filter(Boolean).join(" · ") }),
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
  await load();
  return () => view && view.map.remove();
}

// "Where are you?" picker: a search box (school, postcode or street via /api/v1/geocode) or a point on the map.
// What is typed is sent only for this search and never stored.
import { h, clear, status, announce } from "./dom.js";
import { getJson, query } from "./api.js";
import { strings } from "./strings.js";
import { searchOffline, normalisePostcode } from "./gazetteer.js";

let counter = 0;

/**
 * @param {object} opts onPick(place) with place = {label, kind, lat, lon, area, ref}; getMap() -> map view
 *   (optional, enables "point on the map"); label/hint override the search field text.
 */
export function placePicker({ onPick, getMap, label = strings.place.searchLabel, hint = strings.place.searchHint, kinds }) {
  const id = `place-${++counter}`;
  const input = h("input", { id, type: "search", autocomplete: "off", "aria-describedby": `${id}-hint`, enterkeyhint: "search" });
  const results = h("div", { class: "candidates", "aria-live": "polite" });
  const chosen = h("p", { class: "chosen", role: "status" });
  const form = h(
    "form",
    { class: "place-picker", role: "search" },
    h("label", { for: id, text: label }),
    h("p", { id: `${id}-hint`, class: "hint", text: hint }),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "button", text: strings.place.search })),
    results,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    clear(results).append(status(strings.loading));
    chosen.textContent = "";
    try {
      let candidates;
      try {
        const data = await getJson(`/api/v1/geocode?${query({ q })}`);
        candidates = (data && data.candidates) || [];
      } catch (err) {
        if (err.status) throw err;
        candidates = await searchOffline(q); // offline: the saved schools and postcodes of each area
      }
      if (kinds) candidates = candidates.filter((c) => kinds.includes(c.kind));
      clear(results);
      if (!candidates.length) {
        results.append(status(strings.place.noMatch, "warn"));
        return;
      }
      // A full postcode that matches is the answer: no second step.
      const exact = normalisePostcode(q) && candidates.find((c) => c.kind === "postcode" && c.label === normalisePostcode(q));
      if (exact) {
        pick({ ...exact, ref: exact.ref || `${exact.lat},${exact.lon}` });
        return;
      }
      const list = h("ul", { class: "candidate-list" });
      for (const c of candidates.slice(0, 8)) {
        const kindLabel = strings.place.kinds[c.kind] || c.kind;
        list.append(
          h("li", {}, h("button", { type: "button", class: "candidate", onclick: () => pick({ ...c, ref: c.ref || `${c.lat},${c.lon}` }) },
            h("span", { class: "candidate-label", text: c.label }), h("span", { class: "tag", text: kindLabel }))),
        );
      }
      results.append(list);
      const first = list.querySelector("button");
      if (first) first.focus();
    } catch (err) {
      clear(results).append(status(err.message, "error"));
    }
  });

  function pick(place) {
    clear(results);
    chosen.textContent = strings.place.chosen(place.label);
    announce(chosen.textContent);
    onPick(place);
  }

  const parts = [form];
  if (getMap) {
    const mapButton = h("button", { type: "button", class: "button secondary", text: strings.place.pickOnMap });
    mapButton.addEventListener("click", async () => {
      const view = await getMap();
      if (!view) return;
      announce(strings.place.pickOnMapHint);
      mapButton.setAttribute("aria-pressed", "true");
      view.map.getContainer().classList.add("picking");
      view.map.once("click", (ev) => {
        mapButton.setAttribute("aria-pressed", "false");
        view.map.getContainer().classList.remove("picking");
        const lat = Number(ev.latlng.lat.toFixed(6));
        const lon = Number(ev.latlng.lng.toFixed(6));
        pick({ label: strings.place.mapPoint, kind: "point", lat, lon, area: null, ref: `${lat},${lon}` });
      });
    });
    parts.push(h("p", { class: "map-pick" }, mapButton));
  }
  parts.push(chosen);
  return h("div", { class: "place-block" }, parts);
}

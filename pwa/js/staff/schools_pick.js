// Pick schools by name or postcode (officers never type URNs); the chosen ones are listed by name.
import { h, clear } from "../dom.js";
import { getJson, query } from "../api.js";
import { strings } from "../strings.js";

const S = strings.console.schoolPick;
const names = new Map();

/** School names for URNs (from the public schools API; cached for the page). */
export async function schoolNames(urns) {
  const missing = urns.filter((u) => !names.has(u));
  await Promise.all(missing.map(async (urn) => {
    try {
      const school = await getJson(`/api/v1/schools/${encodeURIComponent(urn)}`);
      names.set(urn, (school.school || school).name || urn);
    } catch (err) {
      names.set(urn, S.unknown);
    }
  }));
  return new Map(urns.map((u) => [u, names.get(u)]));
}

/**
 * A search box with results as buttons and the chosen schools as removable chips.
 * `areas`: limit the search to these area slugs (empty = every area). Returns { element, selected(), set(urns) }.
 */
export function schoolPicker({ id, label, areas = [], initial = [], single = false, onChange = () => {} }) {
  const chosen = new Map();
  const search = h("input", { id: `${id}-search`, type: "search", autocomplete: "off", maxlength: "100" });
  const results = h("ul", { class: "pick-results", id: `${id}-results`, "aria-live": "polite" });
  const chips = h("ul", { class: "chips", id: `${id}-chosen`, "aria-label": S.chosen });
  const error = h("p", { id: `${search.id}-error`, class: "field-error", hidden: true });
  const wrapper = h("div", { class: "field school-picker", id },
    h("label", { for: search.id, text: label }), h("p", { class: "hint", id: `${id}-hint`, text: S.hint }), search, results, chips, error);
  search.setAttribute("aria-describedby", `${id}-hint ${error.id}`);
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      run();
    }
  });

  async function run() {
    const text = search.value.trim();
    clear(results);
    if (text.length < 2) return;
    const lists = await Promise.all((areas.length ? areas : [null]).map((area) =>
      getJson(`/api/v1/schools?${query({ q: text, area, limit: 8 })}`).then((d) => d.schools || []).catch(() => [])));
    const found = lists.flat().slice(0, 8);
    if (!found.length) {
      results.append(h("li", { class: "hint", text: S.none }));
      return;
    }
    for (const s of found) {
      names.set(s.urn, s.name);
      results.append(h("li", {}, h("button", { type: "button", class: "button secondary pick", "data-urn": s.urn,
        text: `${s.name}${s.postcode ? `, ${s.postcode}` : ""}`, onclick: () => add(s.urn, s.name) })));
    }
  }

  function add(urn, name) {
    if (single) chosen.clear();
    chosen.set(urn, name);
    clear(results);
    search.value = "";
    draw();
    onChange([...chosen.keys()]);
  }

  function draw() {
    clear(chips);
    for (const [urn, name] of chosen) {
      chips.append(h("li", { class: "chip", "data-urn": urn }, h("span", { text: name }), " ",
        h("button", { type: "button", class: "link", "aria-label": S.remove(name), text: S.removeShort, onclick: () => {
          chosen.delete(urn);
          draw();
          onChange([...chosen.keys()]);
        } })));
    }
  }

  async function set(urns) {
    const found = await schoolNames(urns);
    chosen.clear();
    for (const [urn, name] of found) chosen.set(urn, name);
    draw();
  }
  if (initial.length) set(initial);
  return { element: wrapper, control: search, selected: () => [...chosen.keys()], set };
}

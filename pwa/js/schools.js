// School search box (GET /api/v1/schools?q=), shared by the route and parents screens.
import { h, clear, status, announce } from "./dom.js";
import { getJson, query } from "./api.js";
import { strings } from "./strings.js";
import { searchOffline } from "./gazetteer.js";

let counter = 0;

export function schoolPicker({ onPick, label = strings.route.schoolSearch, hint = strings.route.schoolSearchHint }) {
  const id = `school-${++counter}`;
  const input = h("input", { id, type: "search", autocomplete: "off", "aria-describedby": `${id}-hint`, enterkeyhint: "search" });
  const results = h("div", { class: "candidates", "aria-live": "polite" });
  const chosen = h("p", { class: "chosen", role: "status" });
  const form = h(
    "form",
    { class: "school-picker", role: "search" },
    h("label", { for: id, text: label }),
    h("p", { id: `${id}-hint`, class: "hint", text: hint }),
    h("div", { class: "row" }, input, h("button", { type: "submit", class: "button", text: strings.place.search })),
    results,
    chosen,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    clear(results).append(status(strings.loading));
    try {
      let schools;
      try {
        const data = await getJson(`/api/v1/schools?${query({ q })}`);
        schools = (data && data.schools) || [];
      } catch (err) {
        if (err.status) throw err;
        schools = (await searchOffline(q, { kinds: ["school"], limit: 10 })).map((c) => c.school); // offline
      }
      clear(results);
      if (!schools.length) {
        results.append(status(strings.place.noMatch, "warn"));
        return;
      }
      const list = h("ul", { class: "candidate-list" });
      for (const s of schools.slice(0, 10)) {
        list.append(h("li", {}, h("button", { type: "button", class: "candidate", "data-urn": s.urn, onclick: () => pick(s) },
          h("span", { class: "candidate-label", text: s.name }), s.phase ? h("span", { class: "tag", text: s.phase }) : null)));
      }
      results.append(list);
      list.querySelector("button").focus();
    } catch (err) {
      clear(results).append(status(err.message, "error"));
    }
  });
  function pick(school) {
    clear(results);
    input.value = school.name;
    chosen.textContent = strings.place.chosen(school.name);
    announce(chosen.textContent);
    onPick(school);
  }
  return { element: form, pick };
}

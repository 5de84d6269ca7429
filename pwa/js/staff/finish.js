// School finish times: the weekly pattern as a form; term dates and exceptions (early or staggered finishes)
// as JSON lists. The server validates and previews the coming days.
import { h, clear, status, date } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field, errorStatus } from "./form.js";

const C = strings.console;
const F = strings.console.finishForm;
const DAYS = ["mon", "tue", "wed", "thu", "fri"];

export async function render(root, { me }) {
  const urn = h("input", { id: "finish-urn", inputmode: "numeric", value: (me.schools || [])[0] || "" });
  const body = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "row" }, field(C.urn, urn), h("button", { type: "submit", class: "button", text: C.load }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    load(urn.value.trim());
  });
  clear(root).append(h("h2", { text: C.sections.finish }), h("p", { class: "hint", text: C.finishHint }), form, body);
  if (urn.value) await load(urn.value);

  async function load(school) {
    if (!school) return;
    clear(body).append(status(strings.loading));
    let data;
    try {
      data = await getJson(`/api/v1/admin/schools/${encodeURIComponent(school)}/finish-times`, { cache: "no-store" });
    } catch (err) {
      clear(body).append(errorStatus(err));
      return;
    }
    const rules = data.rules || { weekly: [{ days: DAYS, finish: "15:15" }], terms: [], exceptions: [] };
    const weeklyInputs = {};
    const weekly = h("fieldset", {}, h("legend", { text: F.weekly }), DAYS.map((d) => {
      const input = h("input", { type: "time", id: `finish-${d}`, value: (rules.weekly || []).find((w) => !w.group && w.days.includes(d))?.finish || "" });
      weeklyInputs[d] = input;
      return field(F.days[d], input);
    }));
    const groups = h("textarea", { rows: "4", spellcheck: "false" });
    groups.value = JSON.stringify((rules.weekly || []).filter((w) => w.group), null, 2);
    const terms = h("textarea", { rows: "6", spellcheck: "false" });
    terms.value = JSON.stringify(rules.terms || [], null, 2);
    const exceptions = h("textarea", { rows: "6", spellcheck: "false", id: "finish-exceptions" });
    exceptions.value = JSON.stringify(rules.exceptions || [], null, 2);
    const message = h("div", { "aria-live": "polite" });
    const save = h("form", {}, weekly, field(F.groups, groups, F.groupsHint), field(F.terms, terms, F.termsHint),
      field(F.exceptions, exceptions, F.exceptionsHint), h("p", {}, h("button", { type: "submit", class: "button primary", text: strings.save })), message);
    save.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(message);
      let out;
      try {
        const byTime = new Map();
        for (const d of DAYS) {
          const t = weeklyInputs[d].value;
          if (t) byTime.set(t, [...(byTime.get(t) || []), d]);
        }
        out = {
          weekly: [...[...byTime].map(([finish, days]) => ({ days, finish })), ...JSON.parse(groups.value || "[]")],
          terms: JSON.parse(terms.value || "[]"),
          exceptions: JSON.parse(exceptions.value || "[]"),
        };
      } catch (err) {
        message.append(status(C.invalidJson, "error"));
        return;
      }
      try {
        const { data: saved } = await api(`/api/v1/admin/schools/${encodeURIComponent(school)}/finish-times`, { method: "PUT", body: out });
        message.append(status(C.saved));
        showPreview(saved.preview);
      } catch (err) {
        message.append(errorStatus(err));
      }
    });
    const preview = h("div", { class: "finish-preview" });
    function showPreview(p) {
      clear(preview).append(h("h3", { text: F.preview }));
      if (!p || !p.days || !p.days.length) preview.append(status(p && p.message ? p.message : strings.parents.noFinishTimes));
      else {
        preview.append(h("ul", {}, p.days.slice(0, 10).map((d) => h("li", {},
          `${date(d.date)}: ${d.school_day ? d.finishes.map((f) => `${f.group === "All pupils" ? "" : `${f.group} `}${f.time}`).join(", ") : strings.parents.reasons[d.reason] || ""}`))));
      }
    }
    clear(body).append(h("h3", { text: `${C.urn} ${school}` }), save, preview);
    showPreview(data.preview);
  }
}

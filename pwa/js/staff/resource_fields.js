// The staff forms for Havens, help services and key messages: one labelled input per field the API accepts,
// the API's per-field errors shown next to the input they are about.
import { h, clear } from "../dom.js";
import { strings } from "../strings.js";

const C = strings.console;
const F = C.fields;
const HAVEN_KINDS = ["citysafe_haven", "public_place", "other"];
const HAVEN_STATUSES = ["pending", "active", "suspended"];
const SERVICE_STATUSES = ["needs_check", "checked"];
const MESSAGE_STATUSES = ["draft", "published", "archived"];
const TIERS = ["10-13", "14-17", "18-24", "parents-carers", "professionals"];
const NEEDS = ["in_danger_now", "report_anonymously", "victim_of_crime", "worried_about_friend", "want_to_stop_carrying",
  "feeling_low", "parent_carer_worried"];
const CHANNEL_KINDS = ["phone", "text", "web", "walk_in"];

const opts = (values, labels) => values.map((v) => [v, (labels && labels[v]) || v]);

/** Field specs per kind; `areas` are the slugs the signed-in person may act for. */
export function fieldSpecs(kind, areas) {
  if (kind === "havens") {
    return [
      { key: "name", type: "text", required: true, max: 200 },
      { key: "area", type: "select", options: opts(areas), required: true },
      { key: "kind", type: "select", options: opts(HAVEN_KINDS, C.havenKinds), required: true },
      { key: "status", type: "select", options: opts(HAVEN_STATUSES, C.havenStatuses), hint: C.hints.havenStatus },
      { key: "address", type: "text", max: 300 },
      { key: "postcode", type: "text", max: 10, autocomplete: "off" },
      { key: "lat", type: "number", required: true, step: "any", min: "-90", max: "90", hint: C.hints.latLon },
      { key: "lon", type: "number", required: true, step: "any", min: "-180", max: "180" },
      { key: "opening_hours", type: "text", nullable: true, hint: C.hints.openingHours, mono: true },
      { key: "contact", type: "text", max: 200 },
      { key: "website", type: "url", max: 500 },
      { key: "accessibility", type: "textarea", max: 2000 },
      { key: "source", type: "textarea", max: 2000, hint: C.hints.source },
      { key: "source_name", type: "text", max: 120, hint: C.hints.sourceName },
      { key: "source_date", type: "text", max: 10, hint: C.hints.sourceDate, autocomplete: "off" },
      { key: "caveat", type: "textarea", max: 2000, hint: C.hints.caveat },
      { key: "notes", type: "textarea", max: 2000 },
      { key: "needs_verification", type: "checkbox" },
      { key: "sample", type: "checkbox", hint: C.hints.sample },
    ];
  }
  if (kind === "services") {
    return [
      { key: "name", type: "text", required: true, max: 200 },
      { key: "area", type: "select", options: [["national", C.national], ...opts(areas)] },
      { key: "status", type: "select", options: opts(SERVICE_STATUSES, C.serviceStatuses) },
      { key: "description", type: "textarea", max: 4000 },
      { key: "needs", type: "checks", options: opts(NEEDS, strings.help.needs) },
      { key: "channels", type: "channels" },
      { key: "age_min", type: "number", nullable: true, step: "1", min: "0", max: "120" },
      { key: "age_max", type: "number", nullable: true, step: "1", min: "0", max: "120" },
      { key: "website", type: "url", max: 500 },
      { key: "source", type: "textarea", max: 2000, hint: C.hints.source },
    ];
  }
  return [
    { key: "title", type: "text", required: true, max: 200 },
    { key: "tier", type: "select", options: opts(TIERS, C.tiers) },
    { key: "topic", type: "text", max: 64, hint: C.hints.topic, autocomplete: "off" },
    { key: "status", type: "select", options: opts(MESSAGE_STATUSES, C.messageStatuses), hint: C.hints.messageStatus },
    { key: "body_markdown", type: "textarea", rows: "10", max: 20000, hint: C.hints.markdown },
    { key: "sources", type: "lines", rows: "4", hint: C.hints.sources },
  ];
}

export function blank(kind, areas) {
  if (kind === "havens") {
    return { area: areas[0] || "", name: "", kind: "citysafe_haven", status: "pending", address: "", postcode: "", lat: "", lon: "",
      opening_hours: null, contact: "", website: "", accessibility: "", source: "", source_name: "", source_date: "", caveat: "", notes: "",
      needs_verification: true, sample: false };
  }
  if (kind === "services") {
    return { name: "", area: "national", status: "needs_check", description: "", needs: [], channels: [{ kind: "phone", value: "", hours: null }],
      age_min: null, age_max: null, website: "", source: "" };
  }
  return { title: "", tier: "14-17", topic: "", status: "draft", body_markdown: "", sources: [] };
}

let counter = 0;

function control(spec, value, id) {
  const common = { id, name: spec.key, required: spec.required || null, maxlength: spec.max && spec.type !== "number" ? String(spec.max) : null,
    autocomplete: spec.autocomplete || null, class: spec.mono ? "mono" : null };
  if (spec.type === "select") {
    const el = h("select", common, spec.options.map(([v, label]) => h("option", { value: v, text: label })));
    if (value !== null && value !== undefined && !spec.options.some(([v]) => v === value)) el.append(h("option", { value, text: value }));
    el.value = value ?? spec.options[0][0];
    return el;
  }
  if (spec.type === "textarea") {
    const el = h("textarea", { ...common, rows: spec.rows || "3" });
    el.value = value ?? "";
    return el;
  }
  if (spec.type === "checkbox") return h("input", { ...common, type: "checkbox", checked: Boolean(value) });
  const el = h("input", { ...common, type: spec.type, step: spec.step || null, min: spec.min || null, max: spec.type === "number" ? spec.max : null,
    inputmode: spec.type === "number" ? "decimal" : null, spellcheck: spec.mono ? "false" : null });
  el.value = value ?? "";
  return el;
}

function channelRow(ch, index, errorSlots) {
  const id = `f-${++counter}`;
  const kind = h("select", { id: `${id}-kind`, "data-part": "kind" }, opts(CHANNEL_KINDS, C.channelKinds).map(([v, l]) => h("option", { value: v, text: l })));
  kind.value = ch.kind || "phone";
  const value = h("input", { id: `${id}-value`, "data-part": "value", maxlength: "500" });
  value.value = ch.value || "";
  const hours = h("input", { id: `${id}-hours`, "data-part": "hours", class: "mono", spellcheck: "false" });
  hours.value = ch.hours || "";
  const row = h("fieldset", { class: "channel" }, h("legend", { text: C.channelN(index + 1) }));
  for (const [part, el, label] of [["kind", kind, F.channelKind], ["value", value, F.channelValue], ["hours", hours, F.channelHours]]) {
    const err = h("p", { id: `${el.id}-error`, class: "field-error", hidden: true });
    errorSlots[`channels[${index}].${part}`] = { input: el, slot: err };
    row.append(h("div", { class: "field" }, h("label", { for: el.id, text: label }), el, err));
  }
  errorSlots[`channels[${index}]`] = { input: value, slot: errorSlots[`channels[${index}].value`].slot };
  return row;
}

/** Build the inputs for `item`; returns {element, read() -> body, showErrors(fields) -> keys not placed, clearErrors()}. */
export function buildFields(kind, item, areas) {
  const specs = fieldSpecs(kind, areas);
  const slots = {};
  const readers = {};
  const element = h("div", { class: "resource-fields" });
  for (const spec of specs) {
    const label = F[spec.key] || spec.key;
    const value = item[spec.key];
    const id = `f-${++counter}`;
    const err = h("p", { id: `${id}-error`, class: "field-error", hidden: true });
    const hintEl = spec.hint ? h("p", { id: `${id}-hint`, class: "hint", text: spec.hint }) : null;
    if (spec.type === "checks") {
      const boxes = spec.options.map(([v, l]) => h("label", { class: "check" }, h("input", { type: "checkbox", value: v, checked: (value || []).includes(v) }), " ", l));
      const group = h("fieldset", { id, "aria-describedby": `${id}-error` }, h("legend", { text: label }), boxes, err);
      slots[spec.key] = { input: group, slot: err };
      readers[spec.key] = () => boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      element.append(group);
      continue;
    }
    if (spec.type === "channels") {
      const rows = h("div", {});
      const list = (value && value.length ? value : [{ kind: "phone", value: "", hours: null }]);
      let n = 0;
      for (const ch of list) rows.append(channelRow(ch, n++, slots));
      const add = h("button", { type: "button", class: "button secondary", text: C.addChannel, onclick: () => rows.append(channelRow({}, n++, slots)) });
      const group = h("fieldset", { id }, h("legend", { text: label }), rows, h("p", {}, add), err);
      slots.channels = { input: group, slot: err };
      readers.channels = () => [...rows.querySelectorAll("fieldset.channel")].map((row) => ({
        kind: row.querySelector('[data-part="kind"]').value,
        value: row.querySelector('[data-part="value"]').value.trim(),
        hours: row.querySelector('[data-part="hours"]').value.trim() || null,
      })).filter((ch) => ch.value || ch.hours);
      element.append(group);
      continue;
    }
    const lines = spec.type === "lines";
    const input = lines ? control({ ...spec, type: "textarea" }, (value || []).join("\n"), id) : control(spec, value, id);
    input.setAttribute("aria-describedby", [hintEl ? hintEl.id : null, err.id].filter(Boolean).join(" "));
    slots[spec.key] = { input, slot: err };
    readers[spec.key] = () => {
      if (spec.type === "checkbox") return input.checked;
      if (lines) return input.value.split("\n").map((l) => l.trim()).filter(Boolean);
      const raw = input.value.trim();
      if (spec.type === "number") return raw === "" ? null : Number(raw);
      if (spec.nullable && raw === "") return null;
      return raw;
    };
    const parts = spec.type === "checkbox"
      ? [h("div", { class: "check" }, input, " ", h("label", { for: id, text: label })), hintEl, err]
      : [h("label", { for: id, text: spec.required ? `${label} ${C.requiredMark}` : label }), hintEl, input, err];
    element.append(h("div", { class: "field" }, parts));
  }

  function clearErrors() {
    for (const { input, slot } of Object.values(slots)) {
      clear(slot).hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }
  function showErrors(fields) {
    clearErrors();
    const unplaced = [];
    let first = null;
    for (const [key, message] of Object.entries(fields || {})) {
      const target = slots[key];
      if (!target) {
        unplaced.push(message);
        continue;
      }
      target.slot.textContent = message;
      target.slot.hidden = false;
      target.input.setAttribute("aria-invalid", "true");
      first = first || target.input;
    }
    if (first) first.focus();
    return unplaced;
  }
  function read() {
    const out = {};
    for (const [key, reader] of Object.entries(readers)) out[key] = reader();
    return out;
  }
  return { element, read, showErrors, clearErrors };
}

/** Only the fields that differ from the stored item (a PATCH should not touch what the person left alone). */
export function changes(item, body) {
  const out = {};
  for (const [k, v] of Object.entries(body)) {
    const before = item[k] === undefined ? null : item[k];
    const same = JSON.stringify(before ?? null) === JSON.stringify(v ?? null) || ((before === null || before === "") && (v === null || v === ""));
    if (!same) out[k] = v;
  }
  return out;
}

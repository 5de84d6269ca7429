// Small form helpers for the console: labelled fields and error display in the API's error format.
import { h, status } from "../dom.js";

let counter = 0;

export function field(labelText, control, hint) {
  const id = control.id || `f-${++counter}`;
  control.id = id;
  const parts = [h("label", { for: id, text: labelText })];
  if (hint) {
    parts.push(h("p", { id: `${id}-hint`, class: "hint", text: hint }));
    control.setAttribute("aria-describedby", `${id}-hint`);
  }
  parts.push(control);
  return h("div", { class: "field" }, parts);
}

export function errorStatus(err) {
  const details = err.details && Object.keys(err.details).length ? ` (${JSON.stringify(err.details)})` : "";
  return status(`${err.message}${details}`, "error");
}

/** datetime-local value -> ISO 8601 with the browser's offset (the API needs an offset). */
export function localToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString();
}

export function listOf(payload, key) {
  if (Array.isArray(payload)) return payload;
  if (!payload) return [];
  return payload[key] || payload.items || payload.results || [];
}

// Small form helpers for the console: labelled fields, plain-sentence errors beside the field, 24-hour times.
import { h, status } from "../dom.js";
import { strings } from "../strings.js";

let counter = 0;

export function field(labelText, control, hint) {
  const id = control.id || `f-${++counter}`;
  control.id = id;
  const parts = [h("label", { for: id, text: labelText })];
  const described = [];
  if (hint) {
    parts.push(h("p", { id: `${id}-hint`, class: "hint", text: hint }));
    described.push(`${id}-hint`);
  }
  const error = h("p", { id: `${id}-error`, class: "field-error", hidden: true });
  described.push(error.id);
  control.setAttribute("aria-describedby", described.join(" "));
  parts.push(control);
  if (control.type === "date") parts.push(dateEcho(control));
  parts.push(error);
  return h("div", { class: "field" }, parts);
}

/** The picked day in words ("Friday 4 December 2026"), whatever order the browser shows the digits in. */
function dateEcho(input) {
  const echo = h("p", { class: "hint date-echo" });
  const update = () => {
    const d = input.value ? new Date(`${input.value}T12:00:00`) : null;
    echo.textContent = d && !Number.isNaN(d.getTime())
      ? d.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" })
      : "";
  };
  input.addEventListener("input", update);
  input.addEventListener("change", update);
  update();
  return echo;
}

/** A fieldset (e.g. weekday checkboxes) with its own error line, for errors about the whole group. */
export function group(legendText, children, { id } = {}) {
  const set = h("fieldset", { id: id || `g-${++counter}` }, h("legend", { text: legendText }), children);
  const error = h("p", { id: `${set.id}-error`, class: "field-error", hidden: true });
  set.append(error);
  set.setAttribute("aria-describedby", error.id);
  return set;
}

/** Show one sentence beside a control made with field() or group(). */
export function setFieldError(control, message) {
  const slot = document.getElementById(`${control.id}-error`);
  if (!slot) return false;
  slot.textContent = message;
  slot.hidden = false;
  control.setAttribute("aria-invalid", "true");
  return true;
}

export function clearFieldErrors(root) {
  for (const slot of root.querySelectorAll(".field-error")) {
    slot.textContent = "";
    slot.hidden = true;
  }
  for (const el of root.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** The API's message as a sentence; details are for placing errors beside fields, never shown raw. */
export function errorStatus(err) {
  return status(err.message || strings.errorGeneric, "error");
}

/**
 * Place a 422's errors beside their fields. `controlFor(key)` maps an error's path ("/weekly/0/finish") or, when
 * that finds nothing, its field ("title", "windows.0.start") to a control; returns how many were placed.
 * Unplaced errors stay in the summary.
 */
export function placeErrors(err, controlFor) {
  const list = Array.isArray(err.details && err.details.errors)
    ? err.details.errors
    : err.details && err.details.field ? [{ path: err.details.field, message: err.message }] : [];
  let placed = 0;
  let first = null;
  for (const e of list) {
    const control = controlFor(e.path || e.field || "") || (e.path && e.field ? controlFor(e.field) : null);
    if (control && setFieldError(control, e.message)) {
      placed += 1;
      first = first || control;
    }
  }
  if (first && typeof first.focus === "function") first.focus();
  return placed;
}

/** A text box for a 24-hour time (the same in every browser locale, unlike type=time). */
export function timeInput(attrs = {}) {
  const input = h("input", { type: "text", inputmode: "numeric", autocomplete: "off", maxlength: "5", size: "5", class: "time", ...attrs });
  input.addEventListener("blur", () => {
    input.value = normaliseTime(input.value);
  });
  return input;
}

/** "1430" -> "14:30", "9.05" -> "09:05"; anything else is left for the server to explain. */
export function normaliseTime(text) {
  const t = String(text || "").trim();
  const m = /^(\d{1,2})[:.h]?(\d{2})$/.exec(t);
  if (!m) return t;
  return `${m[1].padStart(2, "0")}:${m[2]}`;
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

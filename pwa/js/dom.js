// Small DOM helpers. Text is always set with textContent so data from the server can never inject markup.
import { locale } from "./strings.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Polite screen-reader announcement through the shared live region. */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 50);
}

export function status(text, kind = "info") {
  return h("p", { class: `status status-${kind}`, role: kind === "error" ? "alert" : "status", text });
}

export function minutes(seconds) {
  return Math.max(1, Math.round(seconds / 60));
}

export function distance(metres) {
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m`;
  return `${(metres / 1000).toFixed(1)} km`;
}

export function time(value) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" });
}

export function date(value) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleDateString(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" });
}

export function dateTime(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return "";
  return `${date(d)} ${time(d)}`;
}

/** A heading that receives focus when a screen opens, so screen readers start in the right place. */
export function screenTitle(text) {
  return h("h1", { tabindex: "-1", class: "screen-title", text });
}

/** "2026-02" -> "February 2026"; full dates as date(). Data packs state months, not days. */
export function monthOrDate(value) {
  if (value && typeof value === "object") {
    // Only the dated sources ("crime: February 2026"); lists such as the risk layers are said in their own notes.
    return Object.entries(value)
      .filter(([, v]) => typeof v === "string" && v)
      .map(([k, v]) => `${k.replace(/_/g, " ")}: ${monthOrDate(v)}`)
      .join("; ");
  }
  const m = /^(\d{4})-(\d{2})$/.exec(String(value || ""));
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, 15)).toLocaleDateString(locale, { month: "long", year: "numeric" });
  return date(value) || String(value || "");
}

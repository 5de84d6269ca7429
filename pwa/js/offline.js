// Fills the offline page's text from strings.js (the HTML keeps English as a fallback).
import { strings } from "./strings.js";

for (const el of document.querySelectorAll("[data-i18n]")) {
  const value = el.dataset.i18n.split(".").reduce((o, k) => (o ? o[k] : undefined), strings);
  if (typeof value === "string") el.textContent = value;
}

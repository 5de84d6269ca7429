// A tiny, safe Markdown subset for key messages: paragraphs, "- " lists, **bold**, [links](https://...).
// Builds DOM nodes (never innerHTML), so message text cannot inject markup.
import { h } from "./dom.js";

// UK phone numbers as people write them: 999, 101, 111, 116 123, 0800 555 111, 020 3299 9000.
const PHONE = /(?<![\d£.,:/-])(999|101|111|116 ?\d{3}|0\d{1,4}(?: ?\d{2,4}){1,4})(?![\d%.,]\d|\d|%| ?(?:years?|months?|days?|minutes?|hours?|am|pm|km|m)\b)/g;

/** Phone numbers inside message text become tappable tel: links. */
export function withPhoneLinks(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(PHONE)) {
    const digits = m[1].replace(/\s+/g, "");
    if (digits.startsWith("0") && (digits.length < 8 || digits.length > 11)) continue; // not a UK number
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h("a", { class: "tel", href: `tel:${digits}`, text: m[1] }));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function inline(text) {
  const out = [];
  const pattern = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(((?:https?:|tel:|mailto:|\/)[^)\s]*)\)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(...withPhoneLinks(text.slice(last, m.index)));
    if (m[1]) out.push(h("strong", {}, withPhoneLinks(m[1])));
    else {
      const external = /^https?:/.test(m[3]);
      out.push(h("a", { href: m[3], rel: external ? "noopener" : null, target: external ? "_blank" : null, text: m[2] }));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(...withPhoneLinks(text.slice(last)));
  return out;
}

export function renderMarkdown(source) {
  const root = h("div", { class: "markdown" });
  const blocks = String(source || "").replace(/\r\n/g, "\n").split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (!lines.length) continue;
    if (lines.every((l) => /^\s*[-*] /.test(l))) {
      root.append(h("ul", {}, lines.map((l) => h("li", {}, inline(l.replace(/^\s*[-*] /, ""))))));
    } else if (lines.every((l) => /^\s*\d+[.)] /.test(l))) {
      root.append(h("ol", {}, lines.map((l) => h("li", {}, inline(l.replace(/^\s*\d+[.)] /, ""))))));
    } else if (/^#{1,3} /.test(lines[0])) {
      root.append(h("h3", {}, inline(lines[0].replace(/^#+ /, ""))));
      if (lines.length > 1) root.append(h("p", {}, inline(lines.slice(1).join(" "))));
    } else {
      root.append(h("p", {}, inline(lines.join(" "))));
    }
  }
  return root;
}

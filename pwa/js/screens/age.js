// For my age: the age is chosen once and kept only on this phone (localStorage); only its tier ("14-17") is
// sent, in the public messages request, and every tier is saved for offline reading (tiers.js).
import { h, clear, status, screenTitle } from "../dom.js";
import { api } from "../api.js";
import { strings } from "../strings.js";
import { renderMarkdown } from "../markdown.js";
import { tierForAge, messagesUrl } from "../tiers.js";

const S = strings.age;
const KEY = "wayhome.age";
export const MIN_AGE = 10;
export const MAX_AGE = 24;

export function storedAge() {
  const n = Number(localStorage.getItem(KEY));
  return Number.isInteger(n) && n >= MIN_AGE && n <= MAX_AGE ? n : null;
}

export async function render(main) {
  const body = h("div", { class: "age-body" });
  main.append(screenTitle(S.title), body);

  function chooser() {
    const select = h("select", { id: "age-select", name: "age" });
    for (let a = MIN_AGE; a <= MAX_AGE; a++) select.append(h("option", { value: a, text: String(a) }));
    select.value = String(storedAge() || 14);
    const form = h("form", { class: "age-form" }, h("p", { text: S.intro }), h("label", { for: "age-select", text: S.ageLabel }), select,
      h("button", { type: "submit", class: "button primary", text: S.choose }));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const age = Number(select.value);
      if (!(age >= MIN_AGE && age <= MAX_AGE)) {
        form.append(status(S.outOfRange, "error"));
        return;
      }
      localStorage.setItem(KEY, String(age));
      show(age);
    });
    clear(body).append(form);
    select.focus();
  }

  async function show(age) {
    clear(body).append(status(strings.loading));
    let data;
    let saved = false;
    try {
      const result = await api(messagesUrl(tierForAge(age)));
      data = result.data;
      saved = result.fromCache;
    } catch (err) {
      clear(body).append(status(err.message, "error"), h("button", { type: "button", class: "button", onclick: () => show(age), text: strings.retry }));
      return;
    }
    const messages = data.messages || [];
    const change = h("button", { type: "button", class: "button secondary", text: S.change, onclick: chooser });
    const forget = h("button", { type: "button", class: "button secondary", text: S.forget, onclick: () => { localStorage.removeItem(KEY); chooser(); } });
    clear(body).append(h("h2", { id: "tier-title", tabindex: "-1", text: S.forTier(data.tier || age) }), h("p", { class: "row" }, change, forget));
    if (saved) body.append(status(S.offline, "warn"));
    if (!messages.length) body.append(status(S.none, "warn"));
    for (const m of messages) {
      body.append(h("article", { class: "card message" }, h("h3", { text: m.title }), renderMarkdown(m.body_markdown)));
    }
    body.querySelector("#tier-title").focus();
  }

  const age = storedAge();
  if (age) await show(age);
  else chooser();
}

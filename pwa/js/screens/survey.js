// Have your say: the surveys open for my area and age, answered anonymously. The phone makes a random token
// once and keeps it (localStorage), so the server counts this phone once per survey period without knowing who
// it is. Offline, answers wait in IndexedDB and go when the phone is back online (outbox_store.js).
import { h, clear, status, screenTitle, announce, date } from "../dom.js";
import { api, getJson, areas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { tierForAge } from "../tiers.js";
import { storedAge } from "./age.js";
import { preferredArea } from "../map.js";
import "../outbox_store.js";

const S = strings.survey;
const DEVICE_KEY = "wayhome.surveyDevice";
const DONE_KEY = "wayhome.surveysDone";

function deviceToken() {
  let token = localStorage.getItem(DEVICE_KEY);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token || "")) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    localStorage.setItem(DEVICE_KEY, token);
  }
  return token;
}

function done() {
  try {
    return JSON.parse(localStorage.getItem(DONE_KEY) || "{}");
  } catch (err) {
    return {};
  }
}

function markDone(survey) {
  localStorage.setItem(DONE_KEY, JSON.stringify({ ...done(), [survey.slug]: survey.window.closes_on }));
}

function answeredAlready(survey) {
  return done()[survey.slug] === survey.window.closes_on;
}

/** Send now, or keep for later when there is no connection; returns the sentence to show. */
async function send(url, body) {
  if (navigator.onLine) {
    try {
      const { data } = await api(url, { method: "POST", body });
      return { text: data.message, kind: "ok" };
    } catch (err) {
      if (err.status) return { text: err.message, kind: "error", field: err.details && (err.details.question || err.details.field) };
    }
  }
  await self.WayHomeOutbox.add({ url, body });
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register(self.WayHomeOutbox.SYNC_TAG);
  } catch (err) {
    /* no Background Sync here: the app sends them the next time it opens */
  }
  return { text: S.savedOffline, kind: "warn", queued: true };
}

function choiceQuestion(q, type) {
  return h("fieldset", { class: "survey-q", id: `q-${q.id}` },
    h("legend", { text: q.text }),
    q.hint ? h("p", { class: "hint", text: q.hint }) : null,
    q.options.map((o) => h("label", { class: "choice" },
      h("input", { type, name: q.id, value: o.id }), " ", o.label)));
}

function scaleQuestion(q) {
  const values = [];
  for (let v = q.min; v <= q.max; v++) values.push(v);
  return h("fieldset", { class: "survey-q", id: `q-${q.id}` },
    h("legend", { text: q.text }),
    h("p", { class: "hint", text: S.scaleHint(q.min, q.min_label, q.max, q.max_label) }),
    h("div", { class: "scale" }, values.map((v) => h("label", { class: "choice scale-choice" },
      h("input", { type: "radio", name: q.id, value: String(v) }), " ",
      v === q.min ? `${v} – ${q.min_label}` : v === q.max ? `${v} – ${q.max_label}` : String(v)))));
}

function pinQuestion(q, area, picked) {
  const box = h("div", { class: "survey-map", hidden: true });
  const state = h("p", { class: "chosen", role: "status", text: S.noPin });
  const removeButton = h("button", { type: "button", class: "button secondary", hidden: true, text: S.removePin });
  let view = null;
  let marker = null;
  const add = h("button", { type: "button", class: "button", text: S.addPin, onclick: async () => {
    box.hidden = false;
    add.hidden = true;
    if (view) return;
    const { createMap } = await import("../map.js");
    view = await createMap(box, { label: S.mapLabel, area });
    await view.setArea(area);
    view.map.on("click", (ev) => {
      picked.value = { lat: Number(ev.latlng.lat.toFixed(5)), lon: Number(ev.latlng.lng.toFixed(5)) };
      if (marker) marker.remove();
      marker = view.L.marker(ev.latlng, { title: S.pinTitle, keyboard: false }).addTo(view.layers.picks);
      state.textContent = S.pinPlaced;
      removeButton.hidden = false;
      announce(S.pinPlaced);
    });
  } });
  removeButton.addEventListener("click", () => {
    picked.value = null;
    if (marker) marker.remove();
    marker = null;
    state.textContent = S.noPin;
    removeButton.hidden = true;
  });
  return h("fieldset", { class: "survey-q", id: `q-${q.id}` },
    h("legend", { text: q.text }), q.hint ? h("p", { class: "hint", text: q.hint }) : null,
    h("p", { class: "row" }, add, removeButton), box, state);
}

function textQuestion(q) {
  const id = `text-${q.id}`;
  return h("div", { class: "survey-q", id: `q-${q.id}` }, h("label", { for: id, text: q.text }),
    h("p", { class: "hint", text: S.textHint }),
    h("textarea", { id, name: q.id, maxlength: String(q.max_length || 500), rows: "3" }));
}

function collect(form, survey, pins) {
  const answers = {};
  for (const q of survey.questions) {
    if (q.kind === "single") {
      const hit = form.querySelector(`input[name="${q.id}"]:checked`);
      if (hit) answers[q.id] = hit.value;
    } else if (q.kind === "multiple") {
      const hits = [...form.querySelectorAll(`input[name="${q.id}"]:checked`)].map((i) => i.value);
      if (hits.length) answers[q.id] = hits;
    } else if (q.kind === "scale") {
      const hit = form.querySelector(`input[name="${q.id}"]:checked`);
      if (hit) answers[q.id] = Number(hit.value);
    } else if (q.kind === "pin") {
      if (pins[q.id].value) answers[q.id] = pins[q.id].value;
    } else if (q.kind === "text") {
      const text = form.querySelector(`textarea[name="${q.id}"]`).value.trim();
      if (text) answers[q.id] = text;
    }
  }
  return answers;
}

async function answer(body, survey, area, tier) {
  clear(body);
  body.append(h("h2", { id: "survey-title", tabindex: "-1", text: survey.title }), h("p", { text: survey.intro }),
    h("p", { class: "hint", text: S.openUntil(date(survey.window.closes_on)) }));
  if (answeredAlready(survey)) {
    body.append(status(S.alreadyDone, "ok"), h("a", { class: "button", href: "#/survey", text: S.back }));
    return;
  }
  const pins = {};
  const form = h("form", { class: "survey-form", novalidate: true });
  let schoolSelect = null;
  try {
    const data = await getJson(`/api/v1/schools?area=${encodeURIComponent(area)}&limit=500`);
    const only = survey.audience.schools || [];
    const listed = (data.schools || []).filter((s) => !only.length || only.includes(s.urn));
    schoolSelect = h("select", { id: "survey-school", required: only.length > 0 },
      h("option", { value: "", text: only.length ? S.pickSchool : S.noSchool }),
      listed.map((s) => h("option", { value: s.urn, text: s.name })));
    form.append(h("div", { class: "survey-q", id: "q-school" }, h("label", { for: "survey-school", text: only.length ? S.schoolOnlyLabel : S.schoolLabel }),
      h("p", { class: "hint", text: only.length ? S.schoolOnlyHint : S.schoolHint }), schoolSelect));
  } catch (err) {
    schoolSelect = null; // offline without the school list: the answers still count, without a school
  }
  for (const q of survey.questions) {
    if (q.kind === "single") form.append(choiceQuestion(q, "radio"));
    else if (q.kind === "multiple") form.append(choiceQuestion(q, "checkbox"));
    else if (q.kind === "scale") form.append(scaleQuestion(q));
    else if (q.kind === "pin") form.append(pinQuestion(q, area, (pins[q.id] = { value: null })));
    else if (q.kind === "text") form.append(textQuestion(q));
  }
  const result = h("div", { class: "survey-result" });
  form.append(h("button", { type: "submit", class: "button primary", text: S.send }), result);
  form.addEventListener("change", () => clear(result));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const answers = collect(form, survey, pins);
    if (schoolSelect && schoolSelect.required && !schoolSelect.value) {
      clear(result).append(status(S.pleaseAnswer(S.schoolOnlyLabel), "error"));
      schoolSelect.focus();
      return;
    }
    const missing = survey.questions.find((q) => q.required && !(q.id in answers));
    if (missing) {
      clear(result).append(status(S.pleaseAnswer(missing.text), "error"));
      form.querySelector(`#q-${missing.id} input`)?.focus();
      return;
    }
    const payload = { answers, device: deviceToken(), area, tier, school: schoolSelect && schoolSelect.value ? schoolSelect.value : null };
    clear(result).append(status(S.sending));
    const outcome = await send(`/api/v1/surveys/${encodeURIComponent(survey.slug)}/responses`, payload);
    if (outcome.kind === "error") {
      clear(result).append(status(outcome.text, "error"));
      return;
    }
    markDone(survey);
    clear(body).append(h("h2", { id: "survey-done", tabindex: "-1", text: S.thanksTitle }), status(outcome.text, outcome.kind),
      h("p", { text: S.whatHappens }), h("a", { class: "button", href: "#/survey", text: S.back }));
    body.querySelector("#survey-done").focus();
  });
  body.append(form);
  body.querySelector("#survey-title").focus();
}

export async function render(main, params, slug) {
  const body = h("div", { class: "survey-body" });
  main.append(screenTitle(S.title), body);
  body.append(status(strings.loading));
  let area = await preferredArea().catch(() => null);
  const list = areaList(await areas().catch(() => null));
  const age = storedAge();
  const tier = age ? tierForAge(age) : null;

  async function show() {
    clear(body);
    if (!area) {
      body.append(status(strings.errorNetwork, "error"));
      return;
    }
    if (list.length > 1) {
      const select = h("select", { id: "survey-area" }, list.map((a) => h("option", { value: a.slug, text: a.name })));
      select.value = area;
      select.addEventListener("change", () => {
        area = select.value;
        show();
      });
      body.append(h("p", { class: "row" }, h("label", { for: "survey-area", text: S.areaLabel }), select));
    }
    const holder = h("div", {}, status(strings.loading));
    body.append(holder);
    let surveys;
    try {
      const q = new URLSearchParams({ area, ...(tier ? { tier } : {}) });
      surveys = (await getJson(`/api/v1/surveys?${q}`)).surveys || [];
    } catch (err) {
      clear(holder).append(status(err.message, "error"), h("button", { type: "button", class: "button", onclick: show, text: strings.retry }));
      return;
    }
    const chosen = slug && surveys.find((s) => s.slug === slug);
    if (chosen) return answer(body, chosen, area, tier);
    clear(holder).append(h("p", { text: S.intro }));
    if (!age) holder.append(h("p", { class: "hint" }, S.noAge, " ", h("a", { href: "#/age", text: S.setAge })));
    if (!surveys.length) holder.append(status(S.none, "info"));
    for (const s of surveys) {
      holder.append(h("article", { class: "card survey-card" }, h("h2", { text: s.title }), h("p", { text: s.intro }),
        h("p", { class: "hint", text: S.openUntil(date(s.window.closes_on)) }),
        answeredAlready(s) ? status(S.alreadyDone, "ok")
          : h("a", { class: "button primary", href: `#/survey/${encodeURIComponent(s.slug)}`, text: S.start })));
    }
    const waiting = await self.WayHomeOutbox.count().catch(() => 0);
    if (waiting) holder.append(status(S.waiting(waiting), "warn"));
  }
  await show();
}

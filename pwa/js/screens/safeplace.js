// "Become a safe place": a business or venue applies (no account); and, from its window poster, a safe place
// tells the council it has closed or changed its hours. Nothing is public until an officer has visited.
import { h, clear, status, screenTitle } from "../dom.js";
import { api, getJson, query } from "../api.js";
import { strings } from "../strings.js";

const S = strings.safePlace;
const DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
let counter = 0;

function field(label, control, hint) {
  control.id = control.id || `sp-${++counter}`;
  const error = h("p", { id: `${control.id}-error`, class: "field-error", hidden: true });
  const parts = [h("label", { for: control.id, text: label })];
  const described = [];
  if (hint) {
    parts.push(h("p", { class: "hint", id: `${control.id}-hint`, text: hint }));
    described.push(`${control.id}-hint`);
  }
  control.setAttribute("aria-describedby", [...described, error.id].join(" "));
  return h("div", { class: "field" }, parts, control, error);
}

function showErrors(form, err, controls, summary) {
  for (const slot of form.querySelectorAll(".field-error")) slot.hidden = true;
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const list = (err.details && err.details.errors) || [];
  let first = null;
  for (const e of list) {
    const control = controls[e.field];
    const slot = control && document.getElementById(`${control.id}-error`);
    if (!slot) continue;
    slot.textContent = e.message;
    slot.hidden = false;
    control.setAttribute("aria-invalid", "true");
    first = first || control;
  }
  clear(summary).append(status(err.message, "error"));
  if (first) first.focus();
}

function timeBox(id) {
  return h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", maxlength: "5", size: "5", class: "time" });
}

/** Seven weekday rows: open that day? opens, closes (24-hour). Returns { element, value(), controls }. */
function hoursRows(prefix) {
  const controls = {};
  const rows = DAYS.map((day, i) => {
    const open = h("input", { type: "checkbox", id: `${prefix}-${day}-open` });
    const opens = timeBox(`${prefix}-${day}-opens`);
    const closes = timeBox(`${prefix}-${day}-closes`);
    const times = h("div", { class: "row times", hidden: true }, field(S.opens, opens), field(S.closes, closes));
    open.addEventListener("change", () => (times.hidden = !open.checked));
    controls[`hours.${day}.opens`] = opens;
    controls[`hours.${day}.closes`] = closes;
    return { day, open, opens, closes, element: h("div", { class: "day-row" }, h("label", { class: "check", for: open.id }, open, ` ${S.openOn(S.days[i])}`), times) };
  });
  const set = h("fieldset", { id: `${prefix}-hours` }, h("legend", { text: S.hours }), h("p", { class: "hint", text: S.hoursHint }),
    rows.map((r) => r.element), h("p", { id: `${prefix}-hours-error`, class: "field-error", hidden: true }));
  controls.hours = set;
  return {
    element: set,
    controls,
    value: () => rows.filter((r) => r.open.checked).map((r) => ({ day: r.day, opens: r.opens.value.trim(), closes: r.closes.value.trim() })),
  };
}

async function applyForm(main) {
  let form;
  try {
    form = await getJson("/api/v1/safe-place-applications/form");
  } catch (err) {
    main.append(status(err.message, "error"));
    return;
  }
  const c = {
    venue_name: h("input", { id: "sp-venue", maxlength: "200", autocomplete: "organization" }),
    address: h("input", { id: "sp-address", maxlength: "300", autocomplete: "street-address" }),
    postcode: h("input", { id: "sp-postcode", maxlength: "10", autocomplete: "postal-code" }),
    contact_name: h("input", { id: "sp-contact", maxlength: "120", autocomplete: "name" }),
    contact_phone: h("input", { id: "sp-phone", type: "tel", maxlength: "40", autocomplete: "tel" }),
    contact_email: h("input", { id: "sp-email", type: "email", maxlength: "200", autocomplete: "email" }),
  };
  const hours = hoursRows("sp");
  const boxes = form.agreements.map((a) => h("input", { type: "checkbox", id: `sp-agree-${a.key}`, value: a.key }));
  const agreements = h("fieldset", { id: "sp-agreements" }, h("legend", { text: S.agreements }),
    form.agreements.map((a, i) => h("label", { class: "check", for: boxes[i].id }, boxes[i], ` ${a.text}`)),
    h("p", { id: "sp-agreements-error", class: "field-error", hidden: true }));
  const trap = h("input", { id: "sp-company", tabindex: "-1", autocomplete: "off" });
  const summary = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "button primary", id: "sp-submit", text: S.submit });
  const el = h("form", { novalidate: true, class: "safe-place-form" },
    field(S.venueName, c.venue_name), field(S.address, c.address), field(S.postcode, c.postcode),
    field(S.contactName, c.contact_name, S.contactHint), field(S.phone, c.contact_phone), field(S.email, c.contact_email),
    hours.element, agreements,
    h("div", { class: "visually-hidden", "aria-hidden": "true" }, h("label", { for: trap.id, text: S.trap }), trap),
    h("p", { class: "hint", text: S.privacy }), h("p", {}, submit), summary);
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    const body = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.value.trim()]));
    body.hours = hours.value();
    body.agreements = boxes.filter((b) => b.checked).map((b) => b.value);
    if (trap.value) body.company = trap.value;
    try {
      const { data } = await api("/api/v1/safe-place-applications", { method: "POST", body });
      clear(el).append(status(data.message), h("p", {}, h("a", { href: "#/", text: S.home })));
    } catch (err) {
      submit.disabled = false;
      showErrors(el, err, { ...c, ...hours.controls, agreements }, summary);
    }
  });
  main.append(h("p", { text: S.intro }), el);
}

async function changeForm(main, havenId) {
  let venue;
  try {
    venue = await getJson(`/api/v1/safe-place-reports/venue?${query({ haven: havenId })}`);
  } catch (err) {
    main.append(status(err.message, "error"));
    return;
  }
  const kinds = Object.entries(S.changeKinds).map(([k, label]) => {
    const radio = h("input", { type: "radio", name: "sp-kind", id: `sp-kind-${k}`, value: k });
    return { k, radio, label: h("label", { class: "check", for: radio.id }, radio, ` ${label}`) };
  });
  const kindSet = h("fieldset", { id: "sp-kind" }, h("legend", { text: S.whatChanged }), kinds.map((x) => x.label),
    h("p", { id: "sp-kind-error", class: "field-error", hidden: true }));
  const hours = hoursRows("spc");
  hours.element.hidden = true;
  for (const x of kinds) x.radio.addEventListener("change", () => (hours.element.hidden = x.k !== "hours_changed" || !x.radio.checked));
  const message = h("textarea", { id: "sp-message", maxlength: "1000", rows: "3" });
  const contact = h("input", { id: "sp-change-contact", maxlength: "200" });
  const summary = h("div", { "aria-live": "polite" });
  const el = h("form", { novalidate: true }, kindSet, hours.element, field(S.message, message), field(S.changeContact, contact),
    h("p", {}, h("button", { type: "submit", class: "button primary", id: "sp-change-submit", text: S.sendChange })), summary);
  el.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const kind = (kinds.find((x) => x.radio.checked) || {}).k;
    const body = { haven_id: venue.id, kind, message: message.value.trim(), contact: contact.value.trim() };
    if (kind === "hours_changed") body.hours = hours.value();
    try {
      const { data } = await api("/api/v1/safe-place-reports", { method: "POST", body });
      clear(el).append(status(data.message));
    } catch (err) {
      showErrors(el, err, { kind: kindSet, message, contact, ...hours.controls }, summary);
    }
  });
  main.append(h("p", { text: S.changeIntro(venue.name) }), el);
}

export async function render(main, params, arg) {
  main.append(screenTitle(arg === "change" ? S.changeTitle : S.title));
  if (arg === "change") return changeForm(main, params.get("haven"));
  return applyForm(main);
}

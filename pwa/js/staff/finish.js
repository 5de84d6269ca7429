// School finish times as form rows: usual and staggered finishes (weekday boxes), terms, changed days.
// The form starts empty: nothing is saved that an officer did not type. After a save that changes what
// parents see, a ready "finish time change" notice is offered with its preview, to send in one tap.
import { h, clear, status, date } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field, group, errorStatus, placeErrors, clearFieldErrors, timeInput, normaliseTime } from "./form.js";
import { schoolPicker, schoolNames } from "./schools_pick.js";
import { notificationPreview } from "./notification_preview.js";

const C = strings.console;
const F = strings.console.finishForm;
const DAYS = ["mon", "tue", "wed", "thu", "fri"];
let rowCounter = 0;

function removeButton(label, row, rows, onRemove) {
  return h("button", { type: "button", class: "button secondary", text: label, onclick: () => {
    rows.splice(rows.indexOf(row), 1);
    row.element.remove();
    onRemove();
  } });
}

function weeklyRow(entry, rows, redraw) {
  const n = ++rowCounter;
  const groupName = h("input", { id: `weekly-${n}-group`, maxlength: "80", value: entry.group || "" });
  const boxes = Object.fromEntries(DAYS.map((d) => [d, h("input", { type: "checkbox", id: `weekly-${n}-${d}`, value: d, checked: (entry.days || []).includes(d) })]));
  const days = group(F.daysLegend, DAYS.map((d) => h("label", { class: "check", for: boxes[d].id }, boxes[d], ` ${F.days[d]}`)), { id: `weekly-${n}-days` });
  const finish = timeInput({ id: `weekly-${n}-finish`, value: entry.finish || "" });
  const row = { kind: "weekly", controls: { group: groupName, days, finish } };
  row.element = h("fieldset", { class: "form-row", "data-row": "weekly" }, h("legend", { text: F.weeklyRow }),
    field(F.group, groupName, F.groupHint), days, field(F.finishTime, finish, F.timeHint), removeButton(F.removeRow, row, rows, redraw));
  row.blank = () => !groupName.value.trim() && !finish.value.trim() && !DAYS.some((d) => boxes[d].checked);
  row.value = () => {
    const out = { days: DAYS.filter((d) => boxes[d].checked), finish: normaliseTime(finish.value) };
    if (groupName.value.trim()) out.group = groupName.value.trim();
    return out;
  };
  return row;
}

function termRow(entry, rows, redraw) {
  const n = ++rowCounter;
  const name = h("input", { id: `term-${n}-name`, maxlength: "80", value: entry.name || "" });
  const start = h("input", { type: "date", id: `term-${n}-start`, value: entry.start || "" });
  const end = h("input", { type: "date", id: `term-${n}-end`, value: entry.end || "" });
  const last = timeInput({ id: `term-${n}-last`, value: entry.last_day_finish || "" });
  const row = { kind: "term", controls: { name, start, end, last_day_finish: last } };
  row.element = h("fieldset", { class: "form-row", "data-row": "term" }, h("legend", { text: F.termRow }),
    field(F.termName, name), field(F.termStart, start), field(F.termEnd, end), field(F.lastDayFinish, last, F.lastDayHint),
    removeButton(F.removeRow, row, rows, redraw));
  row.blank = () => !name.value.trim() && !start.value && !end.value && !last.value.trim();
  row.value = () => {
    const out = { start: start.value, end: end.value };
    if (name.value.trim()) out.name = name.value.trim();
    if (last.value.trim()) out.last_day_finish = normaliseTime(last.value);
    return out;
  };
  return row;
}

function exceptionRow(entry, rows, redraw) {
  const n = ++rowCounter;
  const day = h("input", { type: "date", id: `exc-${n}-date`, value: entry.date || "" });
  const groupName = h("input", { id: `exc-${n}-group`, maxlength: "80", value: entry.group || "" });
  const early = h("input", { type: "radio", name: `exc-${n}-kind`, id: `exc-${n}-early`, value: "early", checked: !entry.closed });
  const closed = h("input", { type: "radio", name: `exc-${n}-kind`, id: `exc-${n}-closed`, value: "closed", checked: !!entry.closed });
  const kind = group(F.excKind, [h("label", { class: "check", for: early.id }, early, ` ${F.excEarly}`), h("label", { class: "check", for: closed.id }, closed, ` ${F.excClosed}`)], { id: `exc-${n}-kind` });
  const finish = timeInput({ id: `exc-${n}-finish`, value: entry.finish || "" });
  const note = h("input", { id: `exc-${n}-note`, maxlength: "200", value: entry.note || "" });
  const finishField = field(F.finishTime, finish, F.timeHint);
  const sync = () => (finishField.hidden = closed.checked);
  early.addEventListener("change", sync);
  closed.addEventListener("change", sync);
  sync();
  const row = { kind: "exception", controls: { date: day, group: groupName, closed: kind, finish, note } };
  row.element = h("fieldset", { class: "form-row", "data-row": "exception" }, h("legend", { text: F.excRow }),
    field(F.excDate, day), field(F.group, groupName, F.groupHint), kind, finishField, field(F.excNote, note, F.excNoteHint),
    removeButton(F.removeRow, row, rows, redraw));
  row.blank = () => !day.value && !groupName.value.trim() && !finish.value.trim() && !note.value.trim();
  row.value = () => {
    const out = { date: day.value };
    if (groupName.value.trim()) out.group = groupName.value.trim();
    if (closed.checked) out.closed = true;
    else out.finish = normaliseTime(finish.value);
    if (note.value.trim()) out.note = note.value.trim();
    return out;
  };
  return row;
}

function section(title, hint, addLabel, make, entries, addId) {
  const rows = [];
  const list = h("div", { class: "rows" });
  const empty = h("p", { class: "hint", text: F.noRows });
  const redraw = () => (empty.hidden = rows.length > 0);
  const add = (entry) => {
    const row = make(entry, rows, redraw);
    rows.push(row);
    list.append(row.element);
    redraw();
    return row;
  };
  for (const e of entries) add(e);
  const addButton = h("button", { type: "button", class: "button secondary", id: addId, text: addLabel, onclick: () => {
    const row = add({});
    Object.values(row.controls)[0].focus();
  } });
  redraw();
  return { rows, element: h("section", { class: "rows-section" }, h("h3", { text: title }), h("p", { class: "hint", text: hint }), empty, list, addButton) };
}

export async function render(root, { me }) {
  const body = h("div", { "aria-live": "polite" });
  const own = me.schools || [];
  let picker = null;
  if (own.length > 1 || !own.length) {
    picker = schoolPicker({ id: "finish-school", label: F.school, areas: me.areas || [], single: true, onChange: (urns) => urns[0] && load(urns[0]) });
  }
  const choose = own.length > 1
    ? h("select", { id: "finish-school-select" }, h("option", { value: "", text: F.chooseSchool }))
    : null;
  if (choose) {
    for (const [urn, name] of await schoolNames(own)) choose.append(h("option", { value: urn, text: name }));
    choose.addEventListener("change", () => choose.value && load(choose.value));
  }
  clear(root).append(...[h("h2", { text: C.sections.finish }), h("p", { class: "hint", text: C.finishHint }),
    choose ? field(F.school, choose) : null, !choose && picker ? picker.element : null, body].filter(Boolean));
  if (own.length === 1) await load(own[0]);

  async function load(urn) {
    clear(body).append(status(strings.loading));
    let data;
    try {
      data = await getJson(`/api/v1/admin/schools/${encodeURIComponent(urn)}/finish-times`, { cache: "no-store" });
    } catch (err) {
      clear(body).append(errorStatus(err));
      return;
    }
    const name = (await schoolNames([urn])).get(urn);
    const rules = data.rules || { weekly: [], terms: [], exceptions: [] };
    const weekly = section(F.weekly, F.weeklyHint, F.addWeekly, weeklyRow, rules.weekly.length ? rules.weekly : [{}], "finish-add-weekly");
    const terms = section(F.terms, F.termsHint, F.addTerm, termRow, rules.terms || [], "finish-add-term");
    const exceptions = section(F.exceptions, F.exceptionsHint, F.addException, exceptionRow, rules.exceptions || [], "finish-add-exception");
    const message = h("div", { "aria-live": "polite", id: "finish-message" });
    const offer = h("div", { id: "finish-offer" });
    const preview = h("div", { class: "finish-preview" });
    const saveButton = h("button", { type: "submit", class: "button primary", id: "finish-save", text: F.save });
    const form = h("form", { novalidate: true }, weekly.element, terms.element, exceptions.element, h("p", {}, saveButton), message);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(message);
      clear(offer);
      clearFieldErrors(form);
      const used = { weekly: weekly.rows.filter((r) => !r.blank()), terms: terms.rows.filter((r) => !r.blank()), exceptions: exceptions.rows.filter((r) => !r.blank()) };
      const out = { weekly: used.weekly.map((r) => r.value()), terms: used.terms.map((r) => r.value()), exceptions: used.exceptions.map((r) => r.value()) };
      try {
        const { data: saved } = await api(`/api/v1/admin/schools/${encodeURIComponent(urn)}/finish-times`, { method: "PUT", body: out });
        message.append(status(C.saved));
        showPreview(saved.preview);
        if (saved.notice_draft) showOffer(saved.notice_draft);
      } catch (err) {
        const placed = placeErrors(err, (path) => {
          const [, list, index, key] = String(path).split("/");
          const row = (used[list] || [])[Number(index)];
          if (!row) return null;
          return row.controls[key] || Object.values(row.controls)[0];
        });
        message.append(placed ? status(C.fixFields(placed), "error") : errorStatus(err));
      }
    });

    function showOffer(draft) {
      const title = h("input", { id: "offer-title", maxlength: "120", value: draft.title });
      const text = h("textarea", { id: "offer-body", maxlength: "1000", rows: "5" });
      text.value = draft.body;
      const result = h("div", { "aria-live": "polite" });
      const send = h("button", { type: "button", class: "button primary", id: "finish-send-notice", text: F.sendOffer });
      send.addEventListener("click", async () => {
        clear(result);
        clearFieldErrors(offer);
        send.disabled = true;
        try {
          const { data: created } = await api("/api/v1/admin/notices", { method: "POST", body: { kind: draft.kind, title: title.value.trim(), body: text.value.trim(), schools: draft.schools } });
          const notice = created.notice || created;
          await api(`/api/v1/admin/notices/${notice.id}/send`, { method: "POST", body: {} });
          result.append(status(F.offerSent));
          send.remove();
        } catch (err) {
          send.disabled = false;
          const placed = placeErrors(err, (path) => ({ title, body: text })[path]);
          result.append(placed ? status(C.fixFields(placed), "error") : errorStatus(err));
        }
      });
      clear(offer).append(h("section", { class: "card offer" }, h("h3", { text: F.offerTitle }), h("p", { text: F.offerHint(name) }),
        field(C.noticeTitle, title), field(C.noticeBody, text), h("h4", { text: C.preview }), notificationPreview(title, text),
        h("p", { class: "row" }, send), result));
      title.focus();
    }

    function showPreview(p) {
      clear(preview).append(h("h3", { text: F.preview }));
      if (!p || !p.days || !p.days.length) preview.append(status(p && p.message ? p.message : strings.parents.noFinishTimes));
      else {
        preview.append(h("ul", {}, p.days.slice(0, 14).map((d) => h("li", {},
          `${date(d.date)}: ${d.school_day ? d.finishes.map((f) => `${f.group === "All pupils" ? "" : `${f.group} `}${f.time}`).join(", ") : strings.parents.reasons[d.reason] || ""}`))));
      }
    }
    clear(body).append(h("h3", { id: "finish-school-name", text: name }), form, offer, preview);
    showPreview(data.preview);
  }
}

// Editing a survey's questions: form rows, never JSON. Saved as a draft; a second editor publishes it as the next
// version, which applies from the survey's next period. The server checks a draft exactly as it checks the files.
import { h, clear, status } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { schoolPicker } from "./schools_pick.js";

const T = strings.surveyEditor;
const TIERS = ["10-13", "14-17", "18-24"];

function slugOf(text, taken) {
  const base = (text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 30) || "q").replace(/^([0-9])/, "q_$1");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

let counter = 0;
function field(label, control, hint) {
  const id = control.id || `se-${++counter}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id, text: label }), hint ? h("p", { class: "hint", text: hint }) : null, control);
}

function optionRow(list, option) {
  const input = h("input", { type: "text", maxlength: "120", value: option.label || "" });
  input.dataset.optionId = option.id || "";
  const row = h("li", { class: "row" }, input, h("button", { type: "button", class: "button secondary", text: T.removeChoice, onclick: () => row.remove() }));
  input.setAttribute("aria-label", T.choiceLabel);
  list.append(row);
}

function questionBlock(holder, q) {
  const words = h("input", { type: "text", maxlength: "200", value: q.text || "" });
  const hint = h("input", { type: "text", maxlength: "200", value: q.hint || "" });
  const kind = h("select", {}, Object.entries(T.kinds).map(([k, label]) => h("option", { value: k, text: label })));
  kind.value = q.kind || "single";
  const required = h("input", { type: "checkbox", checked: !!q.required });
  const options = h("ul", { class: "plain-list" });
  (q.options || [{}, {}]).forEach((o) => optionRow(options, o));
  const choices = h("div", { class: "choices" }, h("p", { class: "label", text: T.choices }), options,
    h("button", { type: "button", class: "button secondary", text: T.addChoice, onclick: () => optionRow(options, {}) }));
  const low = h("input", { type: "number", min: "0", max: "10", value: String(q.min ?? 1) });
  const high = h("input", { type: "number", min: "0", max: "10", value: String(q.max ?? 5) });
  const lowLabel = h("input", { type: "text", maxlength: "60", value: q.min_label || "" });
  const highLabel = h("input", { type: "text", maxlength: "60", value: q.max_label || "" });
  const scale = h("div", { class: "scale-fields" }, field(T.lowest, low), field(T.lowestMeans, lowLabel), field(T.highest, high), field(T.highestMeans, highLabel));
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const legend = h("legend");
  const block = h("fieldset", { class: "survey-edit-q" }, legend, error, field(T.words, words), field(T.hint, hint, T.hintHint),
    field(T.kind, kind), h("label", { class: "check" }, required, " ", T.required), choices, scale,
    h("p", { class: "row" },
      h("button", { type: "button", class: "button secondary", text: T.up, onclick: () => { if (block.previousElementSibling) block.previousElementSibling.before(block); renumber(holder); } }),
      h("button", { type: "button", class: "button secondary", text: T.down, onclick: () => { if (block.nextElementSibling) block.nextElementSibling.after(block); renumber(holder); } }),
      h("button", { type: "button", class: "button secondary", text: T.removeQuestion, onclick: () => { block.remove(); renumber(holder); } })));
  const showKind = () => {
    choices.hidden = !["single", "multiple"].includes(kind.value);
    scale.hidden = kind.value !== "scale";
  };
  kind.addEventListener("change", showKind);
  showKind();
  block.collect = (taken) => {
    const out = { id: q.id || slugOf(words.value, taken), kind: kind.value, text: words.value.trim(), required: required.checked };
    if (hint.value.trim()) out.hint = hint.value.trim();
    if (out.kind === "single" || out.kind === "multiple") {
      const ids = new Set();
      out.options = [...options.querySelectorAll("input")].filter((i) => i.value.trim()).map((i) => {
        const id = i.dataset.optionId || slugOf(i.value, ids);
        ids.add(id);
        return { id, label: i.value.trim() };
      });
    }
    if (out.kind === "scale") Object.assign(out, { min: Number(low.value), max: Number(high.value), min_label: lowLabel.value.trim(), max_label: highLabel.value.trim() });
    return out;
  };
  block.showError = (text) => {
    error.hidden = !text;
    error.textContent = text || "";
  };
  if (q.id) block.dataset.questionId = q.id;
  holder.append(block);
  renumber(holder);
}

function renumber(holder) {
  [...holder.children].forEach((block, i) => { block.querySelector("legend").textContent = T.questionN(i + 1); });
}

/** The editor for one survey, in `box`; `onDone(message)` after publishing. */
export async function editSurvey(box, slug, { onDone }) {
  clear(box).append(status(strings.loading));
  let data;
  try {
    data = await getJson(`/api/v1/admin/surveys/${encodeURIComponent(slug)}/draft`, { cache: "no-store" });
  } catch (err) {
    clear(box).append(status(err.message, "error"));
    return;
  }
  const d = data.draft ? data.draft.definition : data.current;
  const title = h("input", { type: "text", maxlength: "120", value: d.title });
  const intro = h("textarea", { rows: "3", maxlength: "600" }, d.intro);
  const purpose = h("textarea", { rows: "3", maxlength: "600" }, d.purpose);
  const tiers = TIERS.map((t) => h("input", { type: "checkbox", value: t, checked: (d.audience?.tiers || TIERS).includes(t) }));
  const freeText = h("input", { type: "checkbox", checked: !!d.free_text });
  const schools = schoolPicker({ id: `survey-schools-${slug}`, label: T.schools, initial: d.audience?.schools || [] });
  const holder = h("div", { class: "survey-edit-questions" });
  const top = h("div", { "aria-live": "polite" });
  d.questions.forEach((q) => questionBlock(holder, q));
  const form = h("form", { class: "survey-editor", novalidate: true }, top,
    data.draft ? status(data.draft.written_by_me ? T.yourDraft : T.othersDraft, "warn") : null,
    field(T.title, title), field(T.intro, intro, T.introHint), field(T.purpose, purpose),
    h("fieldset", {}, h("legend", { text: T.ages }), tiers.map((c, i) => h("label", { class: "check" }, c, " ", T.tierLabels[i]))),
    schools.element, h("p", { class: "hint", text: T.schoolsHint }),
    h("label", { class: "check" }, freeText, " ", T.freeText), h("p", { class: "hint", text: T.freeTextHint }),
    holder, h("p", {}, h("button", { type: "button", class: "button secondary", text: T.addQuestion, onclick: () => questionBlock(holder, {}) })),
    h("p", { class: "row" }, h("button", { type: "submit", class: "button primary", text: T.save }),
      data.draft && !data.draft.written_by_me ? h("button", { type: "button", class: "button", id: "survey-publish", text: T.publish, onclick: publish }) : null));
  clear(box).append(form);

  async function publish() {
    try {
      const { data: done } = await api(`/api/v1/admin/surveys/${encodeURIComponent(slug)}/draft/publish`, { method: "POST" });
      onDone(done.message);
    } catch (err) {
      clear(top).append(status(err.message, "error"));
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const taken = new Set([...holder.children].map((b) => b.dataset.questionId).filter(Boolean));
    const blocks = [...holder.children];
    blocks.forEach((b) => b.showError(""));
    const body = {
      title: title.value.trim(), intro: intro.value.trim(), purpose: purpose.value.trim(), free_text: freeText.checked,
      audience: { tiers: tiers.filter((c) => c.checked).map((c) => c.value), schools: schools.selected(), areas: d.audience?.areas || [] }, questions: blocks.map((b) => b.collect(taken)),
    };
    try {
      await api(`/api/v1/admin/surveys/${encodeURIComponent(slug)}/draft`, { method: "PUT", body });
      await editSurvey(box, slug, { onDone });
      box.querySelector("[aria-live]").append(status(T.saved, "ok"));
    } catch (err) {
      clear(top).append(status(err.message, "error"));
      const n = /^Question (\d+)/.exec(err.message);
      if (n && blocks[Number(n[1]) - 1]) {
        blocks[Number(n[1]) - 1].showError(err.message);
        blocks[Number(n[1]) - 1].scrollIntoView({ block: "center" });
      }
    }
  });
}

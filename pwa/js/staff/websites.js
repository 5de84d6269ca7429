// Partner websites to audit: add council, school and youth-service pages beside the Havens' and services'
// own links, run the check now, and read which pages are broken, moved or out of date, in plain words.
import { h, clear, status, dateTime, date } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field } from "./form.js";

const W = strings.websites;

function describe(entry) {
  const r = W.result;
  switch (entry.result) {
    case "ok": return r.ok;
    case "moved": return r.moved(entry.final_url || entry.location || "");
    case "redirect": return r.redirect(entry.final_url || entry.location || "");
    case "broken": return r.broken(entry.status);
    case "timeout": return r.timeout;
    case "unreachable": return r.unreachable;
    case "refused": return r.refused;
    default: return W.never;
  }
}

function partnerItem(p, onRemove) {
  const remove = h("button", { type: "button", class: "button secondary", text: W.remove });
  remove.addEventListener("click", () => onRemove(p, remove));
  const notes = [h("span", { class: p.result && p.result !== "ok" ? "problem" : "", text: describe(p) })];
  if (p.stale && p.content_changed_at) notes.push(" ", h("span", { class: "problem", text: W.stale(date(p.content_changed_at)) }));
  if (p.changed_since_last_check) notes.push(" ", h("span", { text: W.changed }));
  return h("li", { class: "partner" },
    h("p", {}, h("strong", { text: p.name }), ` (${W.kinds[p.kind] || p.kind})`),
    h("p", { class: "hint", text: p.url }),
    h("p", {}, notes),
    remove);
}

function problemItem(entry) {
  const who = (entry.objects || []).map((o) => o.name).join(", ");
  return h("li", {}, h("strong", { text: who || entry.url }), h("p", { class: "hint", text: entry.url }), h("p", { text: describe(entry) }));
}

export async function render(root, { me }) {
  const message = h("div", { "aria-live": "polite" });
  const problems = h("section", {});
  const partners = h("section", { "aria-labelledby": "websites-partners" });

  const name = h("input", { id: "partner-name", required: true, maxlength: "200", autocomplete: "off" });
  const url = h("input", { id: "partner-url", type: "url", required: true, maxlength: "500", inputmode: "url", autocomplete: "off", placeholder: "https://" });
  const kind = h("select", { id: "partner-kind" }, Object.entries(W.kinds).map(([value, label]) => h("option", { value, text: label })));
  const area = h("select", { id: "partner-area" }, h("option", { value: "", text: W.anyArea }),
    (me.areas || []).map((slug) => h("option", { value: slug, text: slug })));
  if ((me.areas || []).length === 1) area.value = me.areas[0];
  const controls = { name, url, kind, area };
  const fields = {
    name: field(W.name, name), url: field(W.url, url, W.urlHint), kind: field(W.kind, kind), area: field(W.area, area),
  };
  const form = h("form", { class: "partner-form", novalidate: true }, Object.values(fields),
    h("button", { type: "submit", class: "button primary", id: "partner-add", text: W.add }));

  function clearErrors() {
    for (const [key, wrap] of Object.entries(fields)) {
      wrap.querySelectorAll(".field-error").forEach((el) => el.remove());
      controls[key].removeAttribute("aria-invalid");
    }
  }

  function showFieldError(key, text) {
    const wrap = fields[key] || fields.url;
    const control = controls[key] || url;
    const id = `${control.id}-error`;
    wrap.append(h("p", { class: "field-error", id, text }));
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
    control.focus();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    clear(message);
    const body = { name: name.value.trim(), url: url.value.trim(), kind: kind.value, area: area.value };
    try {
      await api("/api/v1/admin/partner-websites", { method: "POST", body });
      form.reset();
      if ((me.areas || []).length === 1) area.value = me.areas[0];
      message.append(status(W.added));
      await load();
    } catch (err) {
      if (err.details && err.details.field) showFieldError(err.details.field, err.message);
      else message.append(status(err.message, "error"));
    }
  });

  const run = h("button", { type: "button", class: "button secondary", id: "websites-run", text: W.runNow });
  run.addEventListener("click", async () => {
    run.disabled = true;
    clear(message).append(status(W.running));
    try {
      const { data } = await api("/api/v1/admin/website-audit/run", { method: "POST", timeoutMs: 120000 });
      clear(message).append(status(W.checked(data.run.checked, data.run.problems)));
      showProblems(data);
      await load();
    } catch (err) {
      clear(message).append(status(err.message, "error"));
    } finally {
      run.disabled = false;
    }
  });

  function showProblems(summary) {
    const items = (summary.problems || []).map(problemItem);
    problems.setAttribute("aria-labelledby", "websites-problems");
    clear(problems).append(
      h("h2", { id: "websites-problems", text: W.needsAttention }),
      h("p", { class: "hint", text: summary.run ? W.lastRun(dateTime(summary.run.finished_at)) : W.never }),
      items.length ? h("ul", { class: "problems" }, items) : h("p", { text: summary.run ? W.result.ok : W.never }));
  }

  async function remove(p, button) {
    button.disabled = true;
    try {
      await api(`/api/v1/admin/partner-websites/${p.id}`, { method: "DELETE" });
      clear(message).append(status(W.removed));
      await load();
    } catch (err) {
      button.disabled = false;
      clear(message).append(status(err.message, "error"));
    }
  }

  async function load() {
    const list = (await getJson("/api/v1/admin/partner-websites", { cache: "no-store" })).partners || [];
    clear(partners).append(h("h2", { id: "websites-partners", text: W.allPages }),
      list.length ? h("ul", { class: "partners" }, list.map((p) => partnerItem(p, remove))) : h("p", { text: W.none }));
    try {
      showProblems(await getJson("/api/v1/admin/website-audit", { cache: "no-store" }));
    } catch (err) {
      problems.removeAttribute("aria-labelledby");
      clear(problems); // editors and admins see every finding; officers see their partner pages below
    }
  }

  clear(root).append(h("p", { text: W.intro }), form, h("p", {}, run), message, problems, partners);
  try {
    await load();
  } catch (err) {
    message.append(status(err.message, "error"));
  }
}

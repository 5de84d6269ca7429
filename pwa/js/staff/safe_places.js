// Safe places: review applications (visit, signed agreement, publish as a CitySafe Haven, poster), the
// yearly re-check list and changes venues have reported.
import { h, clear, status, date } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field, errorStatus, placeErrors, clearFieldErrors } from "./form.js";

const C = strings.console;
const P = strings.console.safePlaces;

function posterLink(havenId) {
  return h("a", { class: "button secondary", href: `/api/v1/admin/havens/${havenId}/poster.svg`, target: "_blank", rel: "noopener", text: P.poster });
}

function applicationCard(a, reload) {
  const result = h("div", { "aria-live": "polite" });
  const card = h("li", { class: "card application", "data-application": String(a.id) },
    h("h3", { text: a.venue_name }),
    h("p", { text: `${a.address}, ${a.postcode}` }),
    h("p", { class: "hint", text: P.submitted(date(a.submitted_at)) }),
    h("p", { text: P.contact(a.contact_name, [a.contact_phone, a.contact_email].filter(Boolean).join(", ")) }),
    h("p", { text: P.hours(a.opening_hours) }));
  if (a.status === "new") {
    const visitDate = h("input", { type: "date", id: `visit-date-${a.id}`, max: new Date().toISOString().slice(0, 10) });
    const signed = h("input", { type: "checkbox", id: `visit-signed-${a.id}` });
    const notes = h("textarea", { id: `visit-notes-${a.id}`, rows: "2", maxlength: "2000" });
    const signedWrap = h("div", { class: "field" }, h("label", { class: "check", for: signed.id }, signed, ` ${P.signed}`),
      h("p", { id: `${signed.id}-error`, class: "field-error", hidden: true }));
    signed.setAttribute("aria-describedby", `${signed.id}-error`);
    const form = h("form", { novalidate: true, class: "visit-form" }, field(P.visitDate, visitDate), signedWrap, field(P.visitNotes, notes),
      h("p", {}, h("button", { type: "submit", class: "button primary", text: P.recordVisit })), result);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      clear(result);
      try {
        await api(`/api/v1/admin/safe-place-applications/${a.id}/visit`, { method: "POST", body: { visit_date: visitDate.value, agreement_signed: signed.checked, notes: notes.value.trim() } });
        await reload();
      } catch (err) {
        const placed = placeErrors(err, (name) => ({ visit_date: visitDate, agreement_signed: signed, notes })[name]);
        result.append(placed ? status(C.fixFields(placed), "error") : errorStatus(err));
      }
    });
    card.append(form);
  } else if (a.status === "visited") {
    const publish = h("button", { type: "button", class: "button primary", id: `publish-${a.id}`, text: P.publish });
    publish.addEventListener("click", async () => {
      clear(result);
      try {
        const { data } = await api(`/api/v1/admin/safe-place-applications/${a.id}/publish`, { method: "POST", body: {} });
        clear(card).append(h("h3", { text: a.venue_name }), status(P.published), h("p", {}, posterLink(data.haven_id)));
      } catch (err) {
        result.append(errorStatus(err));
      }
    });
    card.append(h("p", { text: P.visited(date(a.visit_date)) }), h("p", { class: "row" }, publish), result);
  }
  const decline = h("button", { type: "button", class: "button secondary", text: P.decline, onclick: async () => {
    if (!window.confirm(P.confirmDecline)) return;
    try {
      await api(`/api/v1/admin/safe-place-applications/${a.id}/decline`, { method: "POST", body: {} });
      clear(card).append(h("h3", { text: a.venue_name }), status(P.declined));
    } catch (err) {
      result.append(errorStatus(err));
    }
  } });
  if (a.status === "new" || a.status === "visited") card.append(h("p", {}, decline));
  return card;
}

export async function render(root) {
  const apps = h("div", { "aria-live": "polite" });
  const due = h("div", { "aria-live": "polite" });
  const reports = h("div", { "aria-live": "polite" });
  clear(root).append(h("h2", { text: C.sections.safeplaces }), h("p", { class: "hint", text: P.intro }),
    h("h3", { text: P.applications }), apps, h("h3", { text: P.due }), due, h("h3", { text: P.reports }), reports);

  async function load() {
    clear(apps).append(status(strings.loading));
    try {
      const [list, checks] = await Promise.all([
        getJson("/api/v1/admin/safe-place-applications", { cache: "no-store" }),
        getJson("/api/v1/admin/safe-place-reverify", { cache: "no-store" }),
      ]);
      clear(apps).append(list.applications.length
        ? h("ul", { class: "cards" }, list.applications.map((a) => applicationCard(a, load)))
        : h("p", { class: "hint", text: P.noApplications }));
      clear(due).append(checks.due.length
        ? h("ul", { class: "cards" }, checks.due.map((x) => h("li", { class: "card" }, h("h4", { text: x.name }),
          h("p", { class: "hint", text: [x.verified_at ? P.lastChecked(date(x.verified_at)) : P.neverChecked, x.reverify_by ? P.dueBy(date(x.reverify_by)) : null].filter(Boolean).join(" · ") }),
          h("p", {}, posterLink(x.id)))))
        : h("p", { class: "hint", text: P.noDue }));
      clear(reports).append(checks.reports.length
        ? h("ul", { class: "cards" }, checks.reports.map((r) => h("li", { class: "card" }, h("h4", { text: r.haven_name }),
          h("p", { text: P.reportKinds[r.kind] }), r.new_hours ? h("p", { text: P.newHours(r.new_hours) }) : null,
          r.message ? h("p", { text: r.message }) : null, h("p", { class: "hint", text: r.contact }))))
        : h("p", { class: "hint", text: P.noReports }));
    } catch (err) {
      clear(apps).append(errorStatus(err));
    }
  }
  await load();
}

// Publish a notice (with a preview of the notification), list notices, send a draft.
import { h, clear, status, dateTime } from "../dom.js";
import { api, getJson, areas as servedAreas, areaList } from "../api.js";
import { strings } from "../strings.js";
import { field, group, errorStatus, localToIso, listOf, placeErrors, clearFieldErrors, timeInput, normaliseTime } from "./form.js";
import { notificationPreview as preview } from "./notification_preview.js";
import { schoolPicker, schoolNames } from "./schools_pick.js";

const C = strings.console;

export async function render(root, { me }) {
  const kind = h("select", {}, Object.entries(C.noticeKinds).map(([k, v]) => h("option", { value: k, text: v })));
  const title = h("input", { maxlength: "120", required: true, id: "notice-title" });
  const body = h("textarea", { maxlength: "1000", required: true, id: "notice-body" });
  const picker = schoolPicker({ id: "notice-schools", label: C.noticeSchools, areas: me.areas || [], initial: me.schools || [] });
  const served = areaList(await servedAreas().catch(() => []));
  const areaName = (slug) => (served.find((a) => a.slug === slug) || {}).name || slug;
  const areaBoxes = (me.areas || []).map((a) => h("label", { class: "check", for: `notice-area-${a}` }, h("input", { type: "checkbox", value: a, name: "notice-area", id: `notice-area-${a}` }), ` ${areaName(a)}`));
  const areaSet = areaBoxes.length ? group(C.noticeAreas, areaBoxes, { id: "notice-areas" }) : null;
  const urgency = h("select", {}, Object.entries(C.urgencies).map(([k, v]) => h("option", { value: k, text: v, selected: k === "normal" })));
  const expires = h("input", { type: "date", id: "notice-expires" });
  const expiresTime = timeInput({ id: "notice-expires-time" });
  const message = h("div", { "aria-live": "polite" });
  const saveDraft = h("button", { type: "button", class: "button secondary", text: C.saveDraft });
  const publish = h("button", { type: "submit", class: "button primary", id: "notice-publish", text: C.publish });
  const form = h("form", { class: "notice-form" },
    field(C.noticeKind, kind), field(C.noticeTitle, title), field(C.noticeBody, body),
    h("h3", { text: C.preview }), preview(title, body),
    picker.element,
    areaSet,
    field(C.noticeUrgency, urgency), field(C.noticeExpires, expires, C.noticeExpiresHint), field(C.noticeExpiresTime, expiresTime, C.finishForm.timeHint),
    h("p", { class: "row" }, publish, saveDraft), message);
  const list = h("div", { "aria-live": "polite" });
  clear(root).append(form, h("h2", { text: C.existing }), list);

  function payload() {
    const body_ = {
      kind: kind.value,
      title: title.value.trim(),
      body: body.value.trim(),
      schools: picker.selected(),
      areas: areaBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
      urgency: urgency.value,
    };
    const exp = expires.value ? localToIso(`${expires.value}T${normaliseTime(expiresTime.value) || "23:59"}`) : null;
    if (exp) body_.expires_at = exp;
    return body_;
  }

  async function save(send) {
    clear(message);
    clearFieldErrors(form);
    try {
      const { data } = await api("/api/v1/admin/notices", { method: "POST", body: payload() });
      const notice = data.notice || data;
      if (send) await api(`/api/v1/admin/notices/${notice.id}/send`, { method: "POST", body: {} });
      message.append(status(send ? C.published : C.saved));
      title.value = "";
      body.value = "";
      title.dispatchEvent(new Event("input"));
      await load();
    } catch (err) {
      const controls = { kind, title, body, schools: picker.control, areas: areaSet || picker.control, urgency, expires_at: expires, send_at: expires };
      const placed = placeErrors(err, (name) => controls[name]);
      message.append(placed ? status(C.fixFields(placed), "error") : errorStatus(err));
    }
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    save(true);
  });
  saveDraft.addEventListener("click", () => save(false));

  async function load() {
    clear(list).append(status(strings.loading));
    try {
      const notices = listOf(await getJson("/api/v1/admin/notices", { cache: "no-store" }), "notices");
      const names = await schoolNames([...new Set(notices.flatMap((n) => n.schools || []))]);
      clear(list).append(h("ul", { class: "cards" }, notices.map((n) => {
        const send = n.status === "draft" ? h("button", { type: "button", class: "button", text: C.send, onclick: async () => {
          try {
            await api(`/api/v1/admin/notices/${n.id}/send`, { method: "POST", body: {} });
            await load();
          } catch (err) {
            list.prepend(errorStatus(err));
          }
        } }) : null;
        return h("li", { class: "card", "data-notice-id": n.id }, h("h3", { text: n.title }), h("p", { text: n.body }),
          h("p", { class: "hint", text: [C.noticeStatus(C.noticeStatuses[n.status] || n.status), n.send_at && dateTime(n.send_at), [...(n.schools || []).map((u) => names.get(u)), ...(n.areas || []).map(areaName)].join(", ")].filter(Boolean).join(" · ") }), send);
      })));
    } catch (err) {
      clear(list).append(errorStatus(err));
    }
  }
  await load();
}

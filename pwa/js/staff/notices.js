// Publish a notice (with a preview of the notification), list notices, send a draft.
import { h, clear, status, dateTime } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field, errorStatus, localToIso, listOf } from "./form.js";

const C = strings.console;

function preview(title, body) {
  const box = h("div", { class: "notification-preview", role: "img", "aria-label": C.preview });
  const update = () => {
    clear(box);
    if (!title.value.trim() && !body.value.trim()) {
      box.append(h("p", { class: "hint", text: C.previewEmpty }));
      return;
    }
    box.append(h("img", { src: "/icons/icon-192.png", alt: "" }),
      h("div", {}, h("div", { class: "np-app", text: strings.appName }), h("div", { class: "np-title", text: title.value }),
        h("div", { class: "np-body", text: body.value })));
    box.setAttribute("aria-label", `${C.preview}: ${title.value}. ${body.value}`);
  };
  title.addEventListener("input", update);
  body.addEventListener("input", update);
  update();
  return box;
}

export async function render(root, { me }) {
  const kind = h("select", {}, Object.entries(C.noticeKinds).map(([k, v]) => h("option", { value: k, text: v })));
  const title = h("input", { maxlength: "120", required: true, id: "notice-title" });
  const body = h("textarea", { maxlength: "1000", required: true, id: "notice-body" });
  const schools = h("input", { id: "notice-schools", value: (me.schools || []).join(", "), inputmode: "numeric" });
  const areaBoxes = (me.areas || []).map((a) => h("label", { class: "check" }, h("input", { type: "checkbox", value: a, name: "notice-area" }), ` ${a}`));
  const urgency = h("select", {}, Object.entries(C.urgencies).map(([k, v]) => h("option", { value: k, text: v, selected: k === "normal" })));
  const expires = h("input", { type: "datetime-local" });
  const message = h("div", { "aria-live": "polite" });
  const saveDraft = h("button", { type: "button", class: "button secondary", text: C.saveDraft });
  const publish = h("button", { type: "submit", class: "button primary", id: "notice-publish", text: C.publish });
  const form = h("form", { class: "notice-form" },
    field(C.noticeKind, kind), field(C.noticeTitle, title), field(C.noticeBody, body),
    h("h3", { text: C.preview }), preview(title, body),
    field(C.noticeSchools, schools),
    areaBoxes.length ? h("fieldset", {}, h("legend", { text: C.noticeAreas }), areaBoxes) : null,
    field(C.noticeUrgency, urgency), field(C.noticeExpires, expires),
    h("p", { class: "row" }, publish, saveDraft), message);
  const list = h("div", { "aria-live": "polite" });
  clear(root).append(form, h("h2", { text: C.existing }), list);

  function payload() {
    const body_ = {
      kind: kind.value,
      title: title.value.trim(),
      body: body.value.trim(),
      schools: schools.value.split(/[\s,]+/).filter(Boolean),
      areas: areaBoxes.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value),
      urgency: urgency.value,
    };
    const exp = localToIso(expires.value);
    if (exp) body_.expires_at = exp;
    return body_;
  }

  async function save(send) {
    clear(message);
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
      message.append(errorStatus(err));
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
          h("p", { class: "hint", text: [C.noticeStatus(n.status), n.send_at && dateTime(n.send_at), (n.schools || []).join(", ")].filter(Boolean).join(" · ") }), send);
      })));
    } catch (err) {
      clear(list).append(errorStatus(err));
    }
  }
  await load();
}

// Havens, help services and key messages: list, edit as JSON (the API validates and explains), create, delete.
import { h, clear, status, date } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { field, errorStatus, listOf } from "./form.js";

const C = strings.console;
const READ_ONLY = ["id", "verified_at", "verified_by", "stale", "created_at", "updated_at", "published_at", "open_now", "version",
  "author_id", "versions"];
const KINDS = {
  havens: {
    path: "/api/v1/admin/havens",
    key: "havens",
    canDelete: true,
    canVerify: true,
    template: (me) => ({ area: (me.areas || [])[0] || "", name: "", kind: "citysafe_haven", address: "", postcode: "", lat: 0, lon: 0, opening_hours: null, source: "" }),
  },
  services: {
    path: "/api/v1/admin/services",
    key: "services",
    canDelete: true,
    canVerify: true,
    template: () => ({ name: "", needs: ["feeling_low"], channels: [{ kind: "phone", value: "", hours: "" }], age_min: null, age_max: null, area: "national", source: "", status: "needs_check" }),
  },
  messages: {
    path: "/api/v1/admin/messages",
    key: "messages",
    canDelete: false,
    template: () => ({ tier: "14-17", topic: "", title: "", body_markdown: "", status: "draft" }),
  },
};

function editable(item) {
  const out = {};
  for (const [k, v] of Object.entries(item)) if (!READ_ONLY.includes(k)) out[k] = v;
  return out;
}

export async function render(root, { me, kind }) {
  const cfg = KINDS[kind];
  const list = h("div", { "aria-live": "polite" });
  const editor = h("div", { class: "editor" });
  const newButton = h("button", { type: "button", class: "button primary", text: C.create, onclick: () => edit(null) });
  clear(root).append(h("h2", { text: C.sections[kind] }), h("p", {}, newButton), editor, list);

  function edit(item) {
    const area = h("textarea", { rows: "14", spellcheck: "false", class: "json" });
    area.value = JSON.stringify(item ? editable(item) : cfg.template(me), null, 2);
    const message = h("div", { "aria-live": "polite" });
    const form = h("form", {}, h("h3", { text: item ? `${C.edit}: ${item.name || item.title || item.id}` : C.create }),
      field(C.jsonLabel, area, C.jsonHint),
      h("p", { class: "row" }, h("button", { type: "submit", class: "button primary", text: strings.save }),
        h("button", { type: "button", class: "button secondary", text: strings.cancel, onclick: () => clear(editor) })),
      message);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(message);
      let body;
      try {
        body = JSON.parse(area.value);
      } catch (err) {
        message.append(status(C.invalidJson, "error"));
        return;
      }
      try {
        if (item) await api(`${cfg.path}/${item.id}`, { method: "PATCH", body });
        else await api(cfg.path, { method: "POST", body });
        clear(editor).append(status(C.saved));
        await load();
      } catch (err) {
        message.append(errorStatus(err));
      }
    });
    clear(editor).append(form);
    area.focus();
  }

  async function remove(item) {
    if (!window.confirm(C.confirmDelete)) return;
    try {
      await api(`${cfg.path}/${item.id}`, { method: "DELETE" });
      clear(editor).append(status(C.deleted));
      await load();
    } catch (err) {
      clear(editor).append(errorStatus(err));
    }
  }

  async function verify(item) {
    try {
      await api(`${cfg.path}/${item.id}/verify`, { method: "POST", body: {} });
      clear(editor).append(status(C.verified));
      await load();
    } catch (err) {
      clear(editor).append(errorStatus(err));
    }
  }

  async function load() {
    clear(list).append(status(strings.loading));
    try {
      const items = listOf(await getJson(cfg.path, { cache: "no-store" }), cfg.key);
      clear(list).append(h("ul", { class: "cards" }, items.map((item) => h("li", { class: "card" },
        h("h3", { text: item.name || item.title || `#${item.id}` }),
        h("p", { class: "hint", text: [item.kind || item.tier || item.topic, item.status, item.area,
          item.verified_at ? strings.haven.lastVerified(date(item.verified_at)) : null].filter(Boolean).join(" · ") }),
        h("p", { class: "row" },
          h("button", { type: "button", class: "button secondary", text: C.edit, onclick: () => edit(item) }),
          cfg.canVerify ? h("button", { type: "button", class: "button secondary", text: C.verify, onclick: () => verify(item) }) : null,
          cfg.canDelete ? h("button", { type: "button", class: "button secondary", text: strings.remove, onclick: () => remove(item) }) : null)))));
    } catch (err) {
      clear(list).append(status(C.loadFailed, "warn"), errorStatus(err));
    }
  }
  await load();
}

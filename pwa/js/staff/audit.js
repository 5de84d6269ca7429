// The audit log: who did what, when, from which network (admins only; addresses are shortened to /24 or /48).
import { h, clear, status, dateTime } from "../dom.js";
import { getJson } from "../api.js";
import { strings } from "../strings.js";
import { errorStatus, listOf } from "./form.js";

const C = strings.console;

export async function render(root, _ctx, filter = "") {
  clear(root).append(status(strings.loading));
  const choose = (value, text) => {
    const b = h("button", { type: "button", class: "button secondary", "aria-pressed": String(filter === value), text });
    b.addEventListener("click", () => render(root, _ctx, value));
    return b;
  };
  const filters = h("p", { class: "audit-filters" }, choose("", C.auditAll), " ", choose("login_failed", C.auditFailedSignIns));
  try {
    const query = filter ? `?action=${encodeURIComponent(filter)}` : "";
    const entries = listOf(await getJson(`/api/v1/admin/audit${query}`, { cache: "no-store" }), "events");
    const rows = entries.map((e) => h("tr", {},
      h("td", { text: dateTime(e.at || e.created_at || e.timestamp) }),
      h("td", { text: e.actor_email || e.user_email || e.email || String(e.user_id ?? e.actor_id ?? "") }),
      h("td", { text: C.auditAction(e.action, e.details || {}) }),
      h("td", { text: [e.object_type, e.object_id].filter((x) => x != null && x !== "").join(" ") }),
      h("td", { text: e.address || "" })));
    clear(root).append(filters, h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": strings.insights.tableRegion },
      h("table", { class: "audit" },
        h("thead", {}, h("tr", {}, [C.when, C.who, C.action, C.object, C.from].map((t) => h("th", { scope: "col", text: t })))),
        h("tbody", {}, rows))));
  } catch (err) {
    clear(root).append(filters, errorStatus(err));
  }
}

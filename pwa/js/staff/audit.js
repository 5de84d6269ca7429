// The audit log: who did what, when.
import { h, clear, status, dateTime } from "../dom.js";
import { getJson } from "../api.js";
import { strings } from "../strings.js";
import { errorStatus, listOf } from "./form.js";

const C = strings.console;

export async function render(root) {
  clear(root).append(status(strings.loading));
  try {
    const entries = listOf(await getJson("/api/v1/admin/audit", { cache: "no-store" }), "events");
    const rows = entries.map((e) => h("tr", {},
      h("td", { text: dateTime(e.at || e.created_at || e.timestamp) }),
      h("td", { text: e.actor_email || e.user_email || e.email || String(e.user_id ?? e.actor_id ?? "") }),
      h("td", { text: e.action }),
      h("td", { text: [e.object_type, e.object_id].filter((x) => x != null && x !== "").join(" ") })));
    clear(root).append(h("table", { class: "audit" },
      h("thead", {}, h("tr", {}, [C.when, C.who, C.action, C.object].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, rows)));
  } catch (err) {
    clear(root).append(errorStatus(err));
  }
}

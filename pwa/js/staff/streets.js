// Street maps: an administrator starts an area's full street download and follows it step by step.
import { h, clear, status } from "../dom.js";
import { api, getJson } from "../api.js";
import { strings } from "../strings.js";
import { errorStatus } from "./form.js";

const T = strings.streetsConsole;
const POLL_MS = 1500;

function progressText(d) {
  if (d.state === "running") return T.running(d.step, d.steps, d.step_label);
  if (d.state === "done" || d.state === "failed") return d.message;
  return "";
}

export async function render(root, { me }) {
  if (!(me.roles || []).includes("admin")) {
    clear(root).append(status(T.adminsOnly, "warn"));
    return;
  }
  let timer = null;
  const list = h("ul", { class: "cards streets-areas" });
  clear(root).append(h("h2", { text: T.title }), h("p", { text: T.intro }), list);

  async function refresh() {
    clearTimeout(timer);
    if (!root.isConnected) return;
    let areas;
    try {
      areas = (await getJson("/api/v1/admin/streets", { cache: "no-store" })).areas || [];
    } catch (err) {
      clear(list).append(errorStatus(err));
      return;
    }
    clear(list);
    for (const a of areas) list.append(areaCard(a));
    if (areas.some((a) => a.download.state === "running")) timer = setTimeout(refresh, POLL_MS);
  }

  function areaCard(a) {
    const d = a.download;
    const running = d.state === "running";
    const button = h("button", { type: "button", class: "button primary", "data-area": a.area, disabled: running ? "" : null,
      text: a.streets === "full" ? T.downloadAgain : T.download });
    const progress = h("div", { class: "download-progress", "aria-live": "polite" });
    const text = progressText(d);
    if (running) progress.append(h("progress", { max: d.steps, value: d.step, "aria-label": T.progressLabel(a.name) }));
    if (text) progress.append(status(text, d.state === "failed" ? "error" : "info"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await api(`/api/v1/admin/streets/${encodeURIComponent(a.area)}/download`, { method: "POST" });
      } catch (err) {
        clear(progress).append(errorStatus(err));
        button.disabled = false;
        return;
      }
      await refresh();
      const fresh = list.querySelector(`[data-area="${a.area}"]`);
      if (fresh) fresh.closest("li").querySelector(".download-progress").focus?.();
    });
    return h("li", { class: "card" }, h("h3", { text: a.name }),
      h("p", { text: a.streets === "full" ? T.full : T.partial }), h("p", {}, button), progress);
  }

  await refresh();
}

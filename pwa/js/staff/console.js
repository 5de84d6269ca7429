// Officer console shell: section navigation for the signed-in staff member. Loaded only after sign-in.
import { h, clear, screenTitle } from "../dom.js";
import { api, setCsrfToken } from "../api.js";
import { strings } from "../strings.js";

const C = strings.console;
const SECTIONS = {
  notices: () => import("./notices.js"),
  finish: () => import("./finish.js"),
  hotspots: () => import("./hotspots.js"),
  havens: () => import("./resources.js"),
  services: () => import("./resources.js"),
  messages: () => import("./resources.js"),
  audit: () => import("./audit.js"),
  review: () => import("./review.js"),
};

export async function renderConsole(main, { me, section }) {
  const current = SECTIONS[section] ? section : "notices";
  const signOut = h("button", { type: "button", class: "button secondary", id: "staff-sign-out", text: strings.staff.signOut });
  signOut.addEventListener("click", async () => {
    try {
      await api("/api/v1/auth/logout", { method: "POST" });
    } finally {
      setCsrfToken(null);
      location.hash = "#/";
    }
  });
  const nav = h("nav", { "aria-label": C.title }, h("ul", {}, Object.keys(SECTIONS).map((key) =>
    h("li", {}, h("a", { class: "button secondary", href: `#/staff/${key}`, "aria-current": key === current ? "page" : null, text: C.sections[key] })))));
  const body = h("div", { class: "console-body" });
  clear(main).append(
    h("div", { class: "staff-console" },
      screenTitle(C.title),
      h("p", {}, strings.staff.signedInAs(me.email), " ", signOut),
      h("p", { class: "hint", text: `${C.roles(me.roles || [])} ${C.scope(me.areas || [], me.schools || [])}` }),
      nav,
      body),
  );
  const mod = await SECTIONS[current]();
  return mod.render(body, { me, kind: current });
}

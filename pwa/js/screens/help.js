// Get help now: 999 first, then the services for the chosen need. Works offline: the whole service list is
// fetched once (one URL the service worker keeps) and filtered on the phone.
import { h, clear, status, screenTitle } from "../dom.js";
import { strings } from "../strings.js";
import { storedAge } from "./age.js";
import { serviceCheckedLine } from "../checked.js";

const S = strings.help;

export function telHref(value) {
  return "tel:" + String(value).replace(/[^0-9+]/g, "");
}

function channelLink(channel) {
  const label = S.channel[channel.kind] || channel.kind;
  const value = String(channel.value || "");
  if (channel.kind === "phone") return h("a", { class: "button call", href: telHref(value) }, `${label} ${value}`);
  if (channel.kind === "text") return h("a", { class: "button", href: "sms:" + value.replace(/\s/g, "") }, `${label} ${value}`);
  if (channel.kind === "web") {
    const url = /^https?:\/\//.test(value) ? value : `https://${value}`;
    return h("a", { class: "button secondary", href: url, rel: "noopener", target: "_blank" }, `${label}: ${value}`);
  }
  return h("span", { class: "channel" }, `${label}: ${value}`);
}

function serviceCard(service) {
  const facts = [];
  if (service.open_now === true) facts.push(h("span", { class: "badge open", text: S.openNow }));
  if (service.open_now === false) facts.push(h("span", { class: "badge closed", text: S.closedNow }));
  if (service.age_min != null || service.age_max != null) facts.push(h("span", { class: "tag", text: S.ages(service.age_min, service.age_max) }));
  const channels = (service.channels || []).map((c) =>
    h("li", {}, channelLink(c), c.hours ? h("span", { class: "hint" }, ` ${S.hours}: ${c.hours}`) : null),
  );
  return h(
    "li",
    { class: "card service" },
    h("h3", { text: service.name }),
    facts.length ? h("p", { class: "facts" }, facts) : null,
    h("ul", { class: "channels" }, channels),
    serviceCheckedLine(service),
  );
}

/** 999 first, then services open now, then the rest (alphabetical within each group). */
function byUrgency(a, b) {
  const score = (s) => ((s.channels || []).some((c) => String(c.value).replace(/\s/g, "") === "999") ? 0 : s.open_now === true ? 1 : 2);
  return score(a) - score(b) || String(a.name).localeCompare(String(b.name));
}

export function matchesAge(service, age) {
  if (age == null) return true;
  if (service.age_min != null && age < service.age_min) return false;
  if (service.age_max != null && age > service.age_max) return false;
  return true;
}

export async function render(main, params) {
  const list = h("div", { class: "services", "aria-live": "polite" });
  const needs = h("ul", { class: "needs" });
  const dangerBox = h(
    "section",
    { class: "danger", "aria-labelledby": "danger-title" },
    h("h2", { id: "danger-title", text: S.dangerTitle }),
    h("p", { text: S.dangerText }),
    h("a", { class: "button call big", href: "tel:999", id: "call-999" }, S.call999),
  );
  main.append(screenTitle(S.title), dangerBox, h("h2", { text: S.chooseNeed }), needs, list);

  let services = null;
  let related = {};
  let offline = false;
  async function load() {
    if (services) return services;
    try {
      const res = await fetch("/api/v1/services", { headers: { Accept: "application/json" } });
      offline = res.headers.get("X-WayHome-Cache") === "stale";
      if (!res.ok) throw new Error(String(res.status));
      const body = await res.json();
      services = body.services || [];
      related = body.related_needs || {};
    } catch (err) {
      services = null;
      throw err;
    }
    return services;
  }

  async function show(need) {
    for (const b of needs.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.need === need));
    clear(list).append(status(strings.loading));
    let all;
    try {
      all = await load();
    } catch (err) {
      clear(list).append(status(S.servicesUnavailable, "error"));
      return;
    }
    const age = storedAge();
    const chosen = all.filter((s) => (s.needs || []).includes(need) && matchesAge(s, age)).sort(byUrgency);
    clear(list).append(h("h2", { id: "services-title", tabindex: "-1", text: `${S.servicesFor}: ${S.needs[need] || need}` }));
    if (offline) list.append(status(S.servicesOffline, "warn"));
    if (chosen.length) list.append(h("ul", { class: "cards" }, chosen.map(serviceCard)));
    else showFallback(all, need, age);
    list.querySelector("#services-title").focus();
    history.replaceState(null, "", `#/help?need=${encodeURIComponent(need)}`);
  }

  /** Nothing for this need fits the age: services of related needs that do (as the API's fallback does). */
  function showFallback(all, need, age) {
    const picked = [];
    for (const other of [...(related[need] || []), "in_danger_now"]) {
      for (const s of all) if ((s.needs || []).includes(other) && matchesAge(s, age) && !picked.includes(s)) picked.push(s);
    }
    if (!picked.length) {
      list.append(status(S.noServices, "warn"));
      return;
    }
    list.append(h("p", { class: "fallback", id: "services-fallback", text: S.fallbackIntro }), h("ul", { class: "cards" }, picked.map(serviceCard)));
  }

  for (const [need, label] of Object.entries(S.needs)) {
    needs.append(h("li", {}, h("button", { type: "button", class: "need", "data-need": need, "aria-pressed": "false", onclick: () => show(need) }, label)));
  }
  if (params.get("need")) await show(params.get("need"));
  else load().catch(() => {});
}

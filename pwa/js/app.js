// App shell: hash router, navigation, offline banner, service worker registration and offline warm-up.
import { h, clear, announce } from "./dom.js";
import { strings } from "./strings.js";
import { forgetLocation } from "./location.js";

const screens = {
  "": () => import("./screens/home.js"),
  help: () => import("./screens/help.js"),
  haven: () => import("./screens/haven.js"),
  route: () => import("./screens/route.js"),
  age: () => import("./screens/age.js"),
  parents: () => import("./screens/parents.js"),
  notice: () => import("./screens/notice.js"),
  about: () => import("./screens/about.js"),
  staff: () => import("./screens/staff.js"),
  "safe-place": () => import("./screens/safeplace.js"),
  survey: () => import("./screens/survey.js"),
};

let cleanup = null;
let navToken = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, qs] = raw.split("?");
  const [name, arg] = path.split("/");
  return { name: name || "", arg: arg ? decodeURIComponent(arg) : undefined, params: new URLSearchParams(qs || "") };
}

async function navigate() {
  const token = ++navToken;
  const { name, arg, params } = parseHash();
  const main = document.getElementById("main");
  if (typeof cleanup === "function") {
    try {
      cleanup();
    } catch (err) {
      /* a screen's cleanup must never block navigation */
    }
  }
  cleanup = null;
  forgetLocation();
  const loader = screens[name] || screens[""];
  for (const link of document.querySelectorAll("nav a[data-screen]")) {
    if (link.dataset.screen === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.getElementById("help-now").hidden = name === "help";
  let mod;
  try {
    mod = await loader();
  } catch (err) {
    clear(main).append(h("p", { class: "status status-error", role: "alert", text: strings.errorNetwork }));
    return;
  }
  if (token !== navToken) return;
  clear(main);
  const result = await mod.render(main, params, arg);
  if (token !== navToken) {
    if (typeof result === "function") result();
    return;
  }
  cleanup = result;
  const title = main.querySelector("h1");
  document.title = title ? `${title.textContent} – ${strings.appName}` : strings.appName;
  // Not on the first screen of a visit: there the first Tab must reach the skip link and "Get help now".
  if (title && !main.contains(document.activeElement) && !firstScreen) title.focus();
  firstScreen = false;
}
let firstScreen = true;

function onlineBanner() {
  const banner = document.getElementById("offline-banner");
  const update = () => {
    banner.hidden = navigator.onLine;
    if (!navigator.onLine) announce(strings.offlineBanner);
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}

async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    const reg = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) showUpdate(worker);
      });
    });
  } catch (err) {
    /* the app still works online without a service worker */
  }
  navigator.serviceWorker.addEventListener("message", (ev) => {
    if (ev.data && ev.data.type === "open" && ev.data.url) location.href = ev.data.url;
  });
}

function showUpdate(worker) {
  const bar = document.getElementById("update-banner");
  bar.hidden = false;
  bar.querySelector("button").onclick = () => {
    worker.postMessage({ type: "skip-waiting" });
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload());
  };
}

/** After the first visit, fetch what "Get help" and "Nearest Haven" need offline (the service worker keeps it). */
async function warmOffline() {
  if (!("serviceWorker" in navigator)) return;
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  try {
    const json = { headers: { Accept: "application/json" } };
    await fetch("/api/v1/areas", json);
    await fetch("/api/v1/services", json);
    const { warmDirectories } = await import("./directory.js");
    await warmDirectories();
    const [{ warmMessages }, { warmGazetteers }] = await Promise.all([import("./tiers.js"), import("./gazetteer.js")]);
    await warmMessages();
    await warmGazetteers();
    document.documentElement.dataset.offlineReady = "true";
  } catch (err) {
    /* offline already: nothing to warm */
  }
}

/** Alerts: the PWA re-registers an existing push subscription on load (see push.js reRegister). */
async function refreshAlerts() {
  try {
    const { reRegister } = await import("./push.js");
    document.documentElement.dataset.alertsRefreshed = String(await reRegister());
  } catch (err) {
    document.documentElement.dataset.alertsRefreshed = "failed"; // offline or refused: tried again next load
  }
}

/** Survey answers saved while offline go on the next open and when the connection comes back (where the browser
 * has Background Sync the service worker sends them too; the server counts a device once either way). */
let sending = null;
function sendWaitingAnswers() {
  if (!navigator.onLine || !("indexedDB" in window)) return Promise.resolve();
  sending = sending || flushAnswers().finally(() => (sending = null));
  return sending;
}

async function flushAnswers() {
  try {
    await import("./outbox_store.js");
    const outcome = await self.WayHomeOutbox.flush();
    if (outcome.sent) announce(strings.survey.sentLater(outcome.sent));
    if (outcome.refused) announce(strings.survey.refusedLater);
    document.documentElement.dataset.surveyOutbox = String(outcome.waiting);
  } catch (err) {
    /* IndexedDB unavailable (private mode): nothing was saved, so nothing to send */
  }
}

/** Fill the static shell's text from strings.js (the HTML keeps English as a no-JavaScript fallback). */
function translateShell() {
  const lookup = (path) => path.split(".").reduce((o, k) => (o ? o[k] : undefined), strings);
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const value = lookup(el.dataset.i18n);
    if (typeof value === "string") el.textContent = value;
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    const value = lookup(el.dataset.i18nLabel);
    if (typeof value === "string") el.setAttribute("aria-label", value);
  }
}

function start() {
  translateShell();
  const notice = new URLSearchParams(location.search).get("notice");
  if (notice) history.replaceState(null, "", `/#/notice/${encodeURIComponent(notice)}`);
  document.getElementById("location-forget").addEventListener("click", () => forgetLocation());
  window.addEventListener("hashchange", navigate);
  onlineBanner();
  navigate();
  registerServiceWorker();
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1500));
  idle(() => warmOffline());
  idle(() => refreshAlerts());
  idle(() => sendWaitingAnswers());
  window.addEventListener("online", () => sendWaitingAnswers());
}

start();

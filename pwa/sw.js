/* WayHome service worker: versioned app-shell precache, stale-while-revalidate for the public directory,
 * an offline page, Web Push notifications. Staff code and staff data are never cached. */
"use strict";

const VERSION = "shell-67efa8eb25cc";
const PREFIX = "wayhome-";
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`;
const MAP_CACHE = `${PREFIX}map-${VERSION}`;
const DATA_CACHE = `${PREFIX}data-v1`;
const PREFS_CACHE = `${PREFIX}prefs`;
const KEEP = [SHELL_CACHE, MAP_CACHE, DATA_CACHE, PREFS_CACHE];
const TOPICS_KEY = "/__wayhome/alert-topics";

// PRECACHE-START (read by tests/pwa/test_budget.py: keep one quoted path per line)
const PRECACHE = [
  "/",
  "/offline.html",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/icon-192.png",
  "/icons/maskable-512.png",
  "/js/api.js",
  "/js/app.js",
  "/js/arrival.js",
  "/js/checked.js",
  "/js/directory.js",
  "/js/dom.js",
  "/js/feedback.js",
  "/js/gazetteer.js",
  "/js/geo.js",
  "/js/location.js",
  "/js/map.js",
  "/js/markdown.js",
  "/js/offline.js",
  "/js/outbox_store.js",
  "/js/places.js",
  "/js/push.js",
  "/js/schools.js",
  "/js/screens/about.js",
  "/js/screens/age.js",
  "/js/screens/haven.js",
  "/js/screens/help.js",
  "/js/screens/home.js",
  "/js/screens/notice.js",
  "/js/screens/parents.js",
  "/js/screens/route.js",
  "/js/screens/safeplace.js",
  "/js/screens/staff.js",
  "/js/screens/survey.js",
  "/js/strings.js",
  "/js/tiers.js",
  "/js/version.js",
];
// PRECACHE-END

// The map library is cached too, but kept out of the shell size budget.
const MAP_ASSETS = [
  "/vendor/leaflet/leaflet.js",
  "/vendor/leaflet/leaflet.css",
];

const NEVER_CACHE = [/^\/js\/staff\//, /^\/api\/v1\/admin\//, /^\/api\/v1\/auth\//, /^\/api\/v1\/me$/];
const DIRECTORY = [/^\/api\/v1\/surveys(\/[a-z0-9-]+)?$/, /^\/api\/v1\/services$/, /^\/api\/v1\/messages$/, /^\/api\/v1\/areas(\/[^/]+(\/streets|\/attribution|\/gazetteer)?)?$/];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    await shell.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" })));
    const map = await caches.open(MAP_CACHE);
    await Promise.all(MAP_ASSETS.map((path) => map.add(new Request(path, { cache: "reload" })).catch(() => undefined)));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !KEEP.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
});

function isDirectory(url, request) {
  if (url.pathname === "/api/v1/havens") return request.headers.get("X-WayHome-Directory") === "1";
  return DIRECTORY.some((re) => re.test(url.pathname));
}

/**
 * Stale-while-revalidate with a short look at the network: a fresh answer within NETWORK_GRACE_MS wins; a fast
 * failure serves the saved copy marked `X-WayHome-Cache: stale` (the app then says it is showing saved
 * information); a slow network gets the saved copy at once while the update continues in the background.
 */
const NETWORK_GRACE_MS = 300;

/** The Haven directory carries the phone's time (`at`); keep one saved copy per area whatever the time. */
function cacheKey(request) {
  const url = new URL(request.url);
  if (url.pathname !== "/api/v1/havens" || !url.searchParams.has("at")) return request;
  url.searchParams.delete("at");
  return new Request(url.href, { headers: request.headers });
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(DATA_CACHE);
  const key = cacheKey(event.request);
  const cached = await cache.match(key);
  const network = fetch(event.request)
    .then((response) => {
      if (response.ok) event.waitUntil(cache.put(key, response.clone()));
      return response;
    })
    .catch(() => null);
  if (!cached) return (await network) || offlineJson();
  event.waitUntil(network);
  const quick = await Promise.race([network, new Promise((resolve) => setTimeout(() => resolve(undefined), NETWORK_GRACE_MS))]);
  if (quick && quick.ok) return quick;
  if (quick === undefined) return cached;
  const headers = new Headers(cached.headers);
  headers.set("X-WayHome-Cache", "stale");
  return new Response(cached.body, { status: cached.status, statusText: cached.statusText, headers });
}

function offlineJson() {
  const body = JSON.stringify({ error: { code: "offline", message: "You are offline and this is not saved yet.", details: {} } });
  return new Response(body, { status: 503, headers: { "Content-Type": "application/json", "X-WayHome-Cache": "offline" } });
}

/** Refresh a shell file in the background, so a deploy that forgot to bump VERSION still arrives next load. */
function refresh(event, request, cacheName) {
  event.waitUntil(
    fetch(request)
      .then(async (response) => {
        if (response.ok) await (await caches.open(cacheName)).put(request, response);
      })
      .catch(() => undefined),
  );
}

async function shellFirst(event) {
  const request = event.request;
  const shell = await caches.match(request, { cacheName: SHELL_CACHE });
  if (shell) {
    refresh(event, request, SHELL_CACHE);
    return shell;
  }
  const map = await caches.match(request, { cacheName: MAP_CACHE });
  return map || fetch(request);
}

async function navigation(event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.pathname === "/" || url.pathname === "/index.html") {
    const cached = await caches.match("/", { cacheName: SHELL_CACHE });
    if (cached) {
      refresh(event, "/", SHELL_CACHE);
      return cached;
    }
  }
  try {
    return await fetch(request);
  } catch (err) {
    return (await caches.match("/offline.html", { cacheName: SHELL_CACHE })) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER_CACHE.some((re) => re.test(url.pathname))) return;
  if (request.mode === "navigate") {
    event.respondWith(navigation(event));
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    if (isDirectory(url, request)) event.respondWith(staleWhileRevalidate(event));
    return;
  }
  event.respondWith(shellFirst(event));
});

// ---- Survey answers kept while offline (Background Sync where the browser has it) -------------------------
importScripts("/js/outbox_store.js");

self.addEventListener("sync", (event) => {
  if (event.tag !== self.WayHomeOutbox.SYNC_TAG) return;
  event.waitUntil((async () => {
    const outcome = await self.WayHomeOutbox.flush();
    if (outcome.waiting) throw new Error("still offline"); // the browser retries the sync later
  })());
});

// ---- Web Push -------------------------------------------------------------------------------------------

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const id = data.id != null ? String(data.id) : "wayhome";
  const url = data.url || (data.id != null ? `/?notice=${encodeURIComponent(data.id)}` : "/");
  event.waitUntil((async () => {
    await self.registration.showNotification(data.title || "WayHome", {
      body: data.body || "",
      tag: id,
      renotify: data.urgency === "high",
      requireInteraction: data.urgency === "high",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url, id },
    });
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      client.postMessage({ type: "notice", notice: data });
    }
  })());
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin === self.location.origin && "focus" in client) {
        await client.focus();
        if ("navigate" in client) return client.navigate(url);
        client.postMessage({ type: "open", url });
        return undefined;
      }
    }
    return self.clients.openWindow(url);
  })());
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const prefs = await caches.open(PREFS_CACHE);
    const saved = await prefs.match(TOPICS_KEY);
    const topics = saved ? await saved.json() : [];
    if (!topics.length) return;
    let sub = event.newSubscription;
    if (!sub) {
      // Some browsers give no options (or no old subscription): ask the server for the key again.
      let options = event.oldSubscription && event.oldSubscription.options;
      if (!options || !options.applicationServerKey) {
        const { vapid_public_key } = await (await fetch("/api/v1/push/key")).json();
        options = { userVisibleOnly: true, applicationServerKey: vapid_public_key };
      }
      sub = await self.registration.pushManager.subscribe(options);
    }
    if (!sub) return;
    const json = sub.toJSON();
    await fetch("/api/v1/push/subscriptions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys, topics }),
    });
    if (event.oldSubscription && event.oldSubscription.endpoint !== json.endpoint) {
      await fetch("/api/v1/push/subscriptions", {
        method: "DELETE",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ endpoint: event.oldSubscription.endpoint }),
      }).catch(() => undefined);
    }
  })());
});

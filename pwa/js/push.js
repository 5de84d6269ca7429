// Web Push alerts for a school: permission asked only on tap; iOS needs the app on the Home Screen first.
import { getJson, api } from "./api.js";

const KEY = "wayhome.alertTopics";

export function isIos() {
  return /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
}

export function isStandalone() {
  return window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;
}

/** "ok" | "ios_install" | "unsupported" | "denied" */
export function pushSupport() {
  if (isIos() && !isStandalone()) return "ios_install";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return "ok";
}

export function savedTopics() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch (err) {
    return [];
  }
}

function saveTopics(topics) {
  if (topics.length) localStorage.setItem(KEY, JSON.stringify(topics));
  else localStorage.removeItem(KEY);
  // The service worker cannot read localStorage; it needs the topics to re-register on pushsubscriptionchange.
  if ("caches" in window) {
    caches.open("wayhome-prefs").then((c) => c.put("/__wayhome/alert-topics", new Response(JSON.stringify(topics), { headers: { "Content-Type": "application/json" } }))).catch(() => {});
  }
}

function keyBytes(base64url) {
  const pad = "=".repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob((base64url + pad).replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function subscription() {
  const reg = await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  if (!sub) {
    const { vapid_public_key } = await getJson("/api/v1/push/key");
    sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapid_public_key) });
  }
  return sub;
}

async function register(sub, topics) {
  const json = sub.toJSON();
  await api("/api/v1/push/subscriptions", { method: "POST", body: { endpoint: json.endpoint, keys: json.keys, topics } });
}

export async function subscribeTopic(topic) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") throw Object.assign(new Error("denied"), { code: "denied" });
  const sub = await subscription();
  const topics = [...new Set([...savedTopics(), topic])];
  await register(sub, topics);
  saveTopics(topics);
  return topics;
}

export async function unsubscribeTopic(topic) {
  const topics = savedTopics().filter((t) => t !== topic);
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.getSubscription();
  if (sub) {
    if (topics.length) await register(sub, topics);
    else {
      await api("/api/v1/push/subscriptions", { method: "DELETE", body: { endpoint: sub.endpoint } });
      await sub.unsubscribe();
    }
  }
  saveTopics(topics);
  return topics;
}

/**
 * On every load: send this browser's existing subscription again with the saved topics. The server forgets
 * subscriptions that failed or sat idle, and browsers may rotate keys without a pushsubscriptionchange event.
 * Returns true when a subscription was re-registered. Asks for nothing: no permission prompt, no new subscription.
 */
export async function reRegister() {
  const topics = savedTopics();
  if (!topics.length || !("serviceWorker" in navigator) || !("PushManager" in window)) return false;
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.getSubscription();
  if (!sub) return false;
  await register(sub, topics);
  saveTopics(topics); // refresh the service worker's copy, which pushsubscriptionchange reads
  return true;
}

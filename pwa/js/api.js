// fetch wrapper: JSON in and out, the API's error format, a timeout so nobody waits on a dead connection.
import { strings } from "./strings.js";

export class ApiFailure extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

let csrfToken = null;
export function setCsrfToken(token) {
  csrfToken = token || null;
}

export async function api(path, { method = "GET", body, timeoutMs = 12000, cache } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrfToken && method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal: controller.signal,
      cache,
    });
  } catch (err) {
    throw new ApiFailure(0, "network", strings.errorNetwork, {});
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return { data: null, response };
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    data = null;
  }
  if (!response.ok) {
    const e = (data && data.error) || {};
    if (e.code === "offline") throw new ApiFailure(0, "network", strings.errorNetwork, {});
    throw new ApiFailure(response.status, e.code || "http_" + response.status, e.message || strings.errorGeneric, e.details);
  }
  return { data, response, fromCache: response.headers.get("X-WayHome-Cache") === "stale" };
}

export async function getJson(path, options) {
  return (await api(path, options)).data;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  return q.toString();
}

let areasPromise = null;
/** Areas served (cached for the page's lifetime; the service worker keeps a copy for offline). */
export function areas() {
  if (!areasPromise) {
    areasPromise = getJson("/api/v1/areas").catch((err) => {
      areasPromise = null;
      throw err;
    });
  }
  return areasPromise;
}

export function areaList(payload) {
  if (!payload) return [];
  return Array.isArray(payload) ? payload : payload.areas || [];
}

// The app version; sw.js carries the same string in its cache names (a test checks they match).
export const VERSION = "2026.11.26-2";

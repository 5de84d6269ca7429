// The app version; sw.js carries the same string in its cache names (a test checks they match).
export const VERSION = "2026.12.02-r3";

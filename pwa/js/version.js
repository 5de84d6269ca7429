// The app version; sw.js carries the same string in its cache names (a test checks they match).
export const VERSION = "shell-ef1176108d62";

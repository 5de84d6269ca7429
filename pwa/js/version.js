// The app version; sw.js carries the same string in its cache names (a test checks they match).
export const VERSION = "shell-67efa8eb25cc";

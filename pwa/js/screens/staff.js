// Staff sign-in. The console code (js/staff/) is imported only after a successful sign-in, and the service
// worker never caches it or any staff data.
import { h, clear, status, screenTitle } from "../dom.js";
import { api, getJson, setCsrfToken } from "../api.js";
import { strings } from "../strings.js";

const S = strings.staff;

async function currentStaff() {
  try {
    const me = await getJson("/api/v1/me", { cache: "no-store" });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (err) {
    setCsrfToken(null);
    return null;
  }
}

export async function render(main, params, section) {
  const body = h("div", {}, status(strings.loading));
  main.append(body);
  const me = await currentStaff();
  if (me) return openConsole(me);

  const email = h("input", { id: "staff-email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "staff-password", type: "password", autocomplete: "current-password", required: true });
  const otp = h("input", { id: "staff-otp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6" });
  const otpRow = h("div", { class: "field", hidden: true }, h("label", { for: "staff-otp", text: S.otp }), otp);
  const message = h("div", { "aria-live": "assertive" });
  const form = h(
    "form",
    { class: "staff-login" },
    h("div", { class: "field" }, h("label", { for: "staff-email", text: S.email }), email),
    h("div", { class: "field" }, h("label", { for: "staff-password", text: S.password }), password),
    otpRow,
    h("button", { type: "submit", class: "button primary", id: "staff-sign-in", text: S.signIn }),
    message,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(message);
    const body = { email: email.value.trim(), password: password.value };
    if (otp.value.trim()) body.totp = otp.value.trim();
    try {
      const { data } = await api("/api/v1/auth/login", { method: "POST", body, cache: "no-store" });
      setCsrfToken(data.csrf_token);
      password.value = "";
      await openConsole(data);
    } catch (err) {
      if (err.code === "totp_required" || err.code === "invalid_totp") {
        otpRow.hidden = false;
        otp.focus();
      }
      message.append(status(err.message || S.failed, "error"));
    }
  });
  clear(body).append(screenTitle(S.title), h("p", { text: S.intro }), form);

  async function openConsole(me) {
    const { renderConsole } = await import("../staff/console.js");
    clear(main);
    return renderConsole(main, { me, section, params });
  }
}

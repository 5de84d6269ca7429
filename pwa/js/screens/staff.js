// Staff sign-in, with the second step: a code from an authenticator app, set up here at the first sign-in
// (the QR code is drawn by the server, no third party is asked) and one-time recovery codes shown once.
// The console code (js/staff/) is imported only after a successful sign-in, and the service worker never
// caches it or any staff data.
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
  const otp = h("input", { id: "staff-otp", inputmode: "text", autocomplete: "one-time-code", maxlength: "24", "aria-describedby": "staff-otp-hint" });
  const otpRow = h("div", { class: "field", hidden: true },
    h("label", { for: "staff-otp", text: S.otp }), h("p", { class: "hint", id: "staff-otp-hint", text: S.otpHint }), otp);
  const message = h("div", { "aria-live": "assertive" });
  const enrolBox = h("div", { class: "staff-enrol", hidden: true });
  const form = h(
    "form",
    { class: "staff-login" },
    h("div", { class: "field" }, h("label", { for: "staff-email", text: S.email }), email),
    h("div", { class: "field" }, h("label", { for: "staff-password", text: S.password }), password),
    otpRow,
    h("button", { type: "submit", class: "button primary", id: "staff-sign-in", text: S.signIn }),
    message,
  );
  const credentials = () => ({ email: email.value.trim(), password: password.value });

  async function signedIn(data) {
    setCsrfToken(data.csrf_token);
    password.value = "";
    if (data.recovery_codes && data.recovery_codes.length) return showRecoveryCodes(data);
    return openConsole(data);
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear(message);
    const payload = credentials();
    if (!otpRow.hidden && otp.value.trim()) payload.totp = otp.value.trim();
    try {
      const { data } = await api("/api/v1/auth/login", { method: "POST", body: payload, cache: "no-store" });
      await signedIn(data);
    } catch (err) {
      if (err.code === "totp_enrolment_required") return showEnrolment(err);
      if (err.code === "totp_required" || err.code === "invalid_totp") {
        otpRow.hidden = false;
        otp.focus();
      }
      message.append(status(err.message || S.failed, "error"));
    }
  });

  function showEnrolment(err) {
    const { secret, qr_svg: qr } = err.details || {};
    const code = h("input", { id: "staff-enrol-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]{6}", required: true });
    const enrolMessage = h("div", { "aria-live": "assertive" });
    const confirm = h("form", { class: "staff-enrol-confirm" },
      h("div", { class: "field" }, h("label", { for: "staff-enrol-code", text: S.enrolCode }), code),
      h("button", { type: "submit", class: "button primary", id: "staff-enrol-confirm", text: S.enrolConfirm }),
      enrolMessage);
    confirm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(enrolMessage);
      try {
        const { data } = await api("/api/v1/auth/login", {
          method: "POST", cache: "no-store", body: { ...credentials(), totp_secret: secret, totp: code.value.trim() },
        });
        await signedIn(data);
      } catch (failure) {
        enrolMessage.append(status(failure.message || S.failed, "error"));
        code.focus();
      }
    });
    form.hidden = true;
    clear(enrolBox).append(
      h("h2", { text: S.enrolTitle }),
      h("p", { text: err.message }),
      h("ol", {}, S.enrolSteps.map((step) => h("li", { text: step }))),
      h("img", { class: "staff-qr", src: qr, alt: S.enrolQrAlt, width: "220", height: "220" }),
      h("p", { class: "hint" }, S.enrolManual, " ", h("code", { id: "staff-enrol-secret", text: (secret || "").replace(/(.{4})/g, "$1 ").trim() })),
      confirm,
    );
    enrolBox.hidden = false;
    code.focus();
  }

  function showRecoveryCodes(data) {
    const done = h("button", { type: "button", class: "button primary", id: "staff-recovery-done", text: S.recoveryDone });
    done.addEventListener("click", () => openConsole(data));
    enrolBox.hidden = false;
    form.hidden = true;
    clear(enrolBox).append(
      h("h2", { text: S.recoveryTitle }),
      h("p", { text: S.recoveryIntro }),
      h("ul", { class: "recovery-codes", id: "staff-recovery-codes" }, data.recovery_codes.map((c) => h("li", {}, h("code", { text: c })))),
      done,
    );
    done.focus();
  }

  clear(body).append(screenTitle(S.title), h("p", { text: S.intro }), form, enrolBox);

  async function openConsole(me) {
    const { renderConsole } = await import("../staff/console.js");
    clear(main);
    return renderConsole(main, { me, section, params });
  }
}

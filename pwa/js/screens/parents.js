// Parents and carers: a school's finish times and notices, alerts by Web Push, and the route check.
import { h, clear, status, screenTitle, date, dateTime } from "../dom.js";
import { getJson } from "../api.js";
import { strings } from "../strings.js";
import { schoolPicker } from "../schools.js";
import { pushSupport, savedTopics, subscribeTopic, unsubscribeTopic } from "../push.js";

const S = strings.parents;
const A = strings.alerts;

const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;

/** "Monday 7 December" for a school day's date (YYYY-MM-DD, London). */
export function weekdayDate(value) {
  const d = new Date(`${value}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "Europe/London" });
}

/** One day's finishes as a timetable line: "Year 7 14:00, Year 8 14:15, everyone else 14:30". */
export function finishLine(d) {
  if (!d.school_day) return S.reasons[d.reason] || S.reasons.no_school;
  const staggered = d.finishes.length > 1;
  return d.finishes.map((f) => {
    const group = f.group && f.group !== "All pupils" ? f.group : staggered ? S.everyoneElse : "";
    return `${group ? `${group} ` : ""}${f.time}${f.usual_time ? ` ${S.usually(f.usual_time)}` : ""}`;
  }).join(", ");
}

function timetable(days) {
  const rows = days.map((d) => {
    const changed = d.finishes && d.finishes.some((f) => f.source !== "weekly");
    return h("tr", { class: changed ? "changed" : null }, h("th", { scope: "row", text: weekdayDate(d.date) }), h("td", { text: finishLine(d) }), h("td", { text: (d.notes || []).join(" ") }));
  });
  return h("table", { class: "finish-times" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: S.day }), h("th", { scope: "col", text: S.finish }), h("th", { scope: "col", text: S.note }))),
    h("tbody", {}, rows));
}

/** The next two weeks as a timetable, one line per day; later dates folded underneath. */
function finishTable(ft) {
  const days = ft.days || [];
  const first = days.length ? new Date(`${days[0].date}T00:00:00Z`).getTime() : 0;
  const soon = days.filter((d) => new Date(`${d.date}T00:00:00Z`).getTime() - first < TWO_WEEKS_MS);
  const later = days.slice(soon.length);
  const box = h("div", { class: "finish-timetable" }, timetable(soon));
  if (later.length) box.append(h("details", { class: "later-dates" }, h("summary", { text: S.laterDates }), timetable(later)));
  return box;
}

const ALERTS_TIMEOUT_MS = 15000;

/** The browser's push service may never answer: give up with a plain message instead of a spinning button. */
function withTimeout(promise, ms = ALERTS_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "timeout" })), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function noticeCard(n) {
  return h(
    "li",
    { class: `card notice${n.urgency === "urgent" || n.urgency === "high" ? " urgent" : ""}`, "data-notice-id": n.id },
    h("h3", {}, n.urgency === "urgent" || n.urgency === "high" ? h("span", { class: "badge closed", text: strings.notice.urgent }) : null, " ", n.title || ""),
    h("p", { text: n.body || n.body_text || n.message || "" }),
    h("p", { class: "hint" }, n.sent_at || n.send_at ? strings.notice.published(dateTime(n.sent_at || n.send_at)) : "",
      n.expires_at ? ` · ${strings.notice.expires(dateTime(n.expires_at))}` : ""),
  );
}

function alertsBox(urn) {
  const topic = `school:${urn}`;
  const box = h("section", { class: "alerts", "aria-labelledby": "alerts-title" }, h("h2", { id: "alerts-title", text: A.title }), h("p", { text: A.intro }));
  const msg = h("div", { "aria-live": "polite" });
  const support = pushSupport();
  if (support === "ios_install") box.append(status(A.iosInstall, "warn"));
  else if (support === "unsupported") box.append(status(A.unsupported, "warn"));
  else if (support === "denied") box.append(status(A.denied, "warn"));
  else {
    const on = savedTopics().includes(topic);
    const button = h("button", { type: "button", class: "button primary", id: "alerts-toggle", text: on ? A.unsubscribe : A.subscribe });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const subscribed = savedTopics().includes(topic);
        const topics = await withTimeout(subscribed ? unsubscribeTopic(topic) : subscribeTopic(topic));
        const nowOn = topics.includes(topic);
        button.textContent = nowOn ? A.unsubscribe : A.subscribe;
        clear(msg).append(status(nowOn ? A.subscribed : A.unsubscribed));
      } catch (err) {
        clear(msg).append(status(err.code === "denied" ? A.denied : err.code === "timeout" ? A.timeout : A.failed, "error"));
      } finally {
        button.disabled = false;
      }
    });
    box.append(h("p", {}, button), h("p", { class: "hint", text: A.privacy }));
    if (on) msg.append(status(A.subscribed));
  }
  box.append(msg);
  return box;
}

export async function render(main, params) {
  const detail = h("div", { class: "school-detail", "aria-live": "polite" });
  const picker = schoolPicker({ label: S.findSchool, onPick: (s) => show(s.urn) });
  main.append(screenTitle(S.title), h("p", { text: S.intro }), picker.element, detail);

  async function show(urn) {
    history.replaceState(null, "", `#/parents?school=${encodeURIComponent(urn)}`);
    clear(detail).append(status(strings.loading));
    let data;
    try {
      data = await getJson(`/api/v1/schools/${encodeURIComponent(urn)}`);
    } catch (err) {
      clear(detail).append(status(err.message, "error"));
      return;
    }
    const school = data.school || data;
    const finish = data.finish_times || school.finish_times || {};
    const notices = data.notices || school.notices || [];
    clear(detail).append(h("h2", { id: "school-name", tabindex: "-1", text: school.name }));
    // Notices first: a change to today's finish matters more than the usual timetable.
    detail.append(h("h3", { text: S.notices }));
    if (notices.length) detail.append(h("ul", { class: "cards notices" }, notices.map(noticeCard)));
    else detail.append(status(S.noNotices));
    detail.append(h("h3", { text: S.finishTimes }));
    if (finish.days && finish.days.length) {
      detail.append(finishTable(finish));
      if (finish.days.some((d) => d.term_dates_known === false)) detail.append(h("p", { class: "hint", text: S.termDatesUnknown }));
    } else detail.append(status(finish.message || S.noFinishTimes));
    detail.append(h("p", {}, h("a", { class: "button secondary", href: `#/route?school=${encodeURIComponent(school.urn || urn)}`, text: S.checkRoute })));
    detail.append(alertsBox(school.urn || urn));
    detail.querySelector("#school-name").focus();
  }
  if (params.get("school")) await show(params.get("school"));
}

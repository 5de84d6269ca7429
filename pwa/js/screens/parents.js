// Parents and carers: a school's finish times and notices, alerts by Web Push, and the route check.
import { h, clear, status, screenTitle, date, dateTime } from "../dom.js";
import { getJson } from "../api.js";
import { strings } from "../strings.js";
import { schoolPicker } from "../schools.js";
import { pushSupport, savedTopics, subscribeTopic, unsubscribeTopic } from "../push.js";

const S = strings.parents;
const A = strings.alerts;

/** Rows for the coming school days: date, finish time(s) (with groups for staggered finishes), notes. */
function finishTable(ft) {
  const days = (ft.days || []).slice(0, 15);
  const rows = days.map((d) => {
    const times = d.school_day
      ? d.finishes.map((f) => `${f.group && f.group !== "All pupils" ? `${f.group}: ` : ""}${f.time}${f.usual_time ? ` ${S.usually(f.usual_time)}` : ""}`).join(", ")
      : S.reasons[d.reason] || S.reasons.no_school;
    const changed = d.finishes && d.finishes.some((f) => f.source !== "weekly");
    return h("tr", { class: changed ? "changed" : null }, h("th", { scope: "row", text: date(d.date) }), h("td", { text: times }), h("td", { text: (d.notes || []).join(" ") }));
  });
  return h("table", { class: "finish-times" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: S.day }), h("th", { scope: "col", text: S.finish }), h("th", { scope: "col", text: S.note }))),
    h("tbody", {}, rows));
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
        const topics = subscribed ? await unsubscribeTopic(topic) : await subscribeTopic(topic);
        const nowOn = topics.includes(topic);
        button.textContent = nowOn ? A.unsubscribe : A.subscribe;
        clear(msg).append(status(nowOn ? A.subscribed : A.unsubscribed));
      } catch (err) {
        clear(msg).append(status(err.code === "denied" ? A.denied : A.failed, "error"));
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
    detail.append(h("h3", { text: S.finishTimes }));
    if (finish.days && finish.days.length) {
      detail.append(finishTable(finish));
      if (finish.days.some((d) => d.term_dates_known === false)) detail.append(h("p", { class: "hint", text: S.termDatesUnknown }));
    } else detail.append(status(finish.message || S.noFinishTimes));
    detail.append(h("h3", { text: S.notices }));
    if (notices.length) detail.append(h("ul", { class: "cards notices" }, notices.map(noticeCard)));
    else detail.append(status(S.noNotices));
    detail.append(h("p", {}, h("a", { class: "button secondary", href: `#/route?school=${encodeURIComponent(school.urn || urn)}`, text: S.checkRoute })));
    detail.append(alertsBox(school.urn || urn));
    detail.querySelector("#school-name").focus();
  }
  if (params.get("school")) await show(params.get("school"));
}

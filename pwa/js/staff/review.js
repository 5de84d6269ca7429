// Key message review and help-service evidence in the console: what is due, who reviewed (a role), and the
// second-person rule for law messages. Kept apart from resources.js so each stays small.
import { h } from "../dom.js";
import { api } from "../api.js";
import { strings } from "../strings.js";
import { errorStatus } from "./form.js";
import { sourceDate } from "../checked.js";

const R = strings.console.review;
let counter = 0;

/** "Review due" or "Reviewed by the <role> on <day>. Next review by <day>." and the second-person note. */
export function reviewBadges(item, me) {
  const parts = [];
  if (item.review_due) parts.push(h("span", { class: "badge unknown", text: item.reviewed_on ? R.due : `${R.due}: ${R.never}` }));
  if (item.reviewed_on) parts.push(h("span", { class: "hint", text: ` ${R.done(item.reviewed_by, sourceDate(item.reviewed_on), sourceDate(item.review_by))}` }));
  const lines = [h("p", { class: "badges" }, parts)];
  if (item.law && item.last_edited_by != null && me && item.last_edited_by === me.id) lines.push(h("p", { class: "hint", text: R.secondPerson }));
  return lines;
}

/** A role picker and "Record a review today"; calls done() after the API has stored it (with its audit row). */
export function reviewForm(item, roles, done) {
  const id = `review-role-${++counter}`;
  const select = h("select", { id }, roles.map((r) => h("option", { value: r, text: r })));
  const message = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "review-form row", "aria-label": `${R.record}: ${item.title}` },
    h("label", { for: id, text: R.role }), select,
    h("button", { type: "submit", class: "button secondary", text: R.record }), message);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    message.replaceChildren();
    try {
      await api(`/api/v1/admin/messages/${item.id}/review`, { method: "POST", body: { reviewed_by: select.value } });
      await done(R.recorded);
    } catch (err) {
      message.append(errorStatus(err));
    }
  });
  return roles.length ? form : null;
}

/** Under a help service: where its details were checked, with a link to check them again. */
export function evidenceLines(item) {
  const lines = [];
  if (item.evidence) lines.push(h("p", { class: "hint", text: R.evidence(item.evidence) }));
  if (item.website && item.status === "needs_check") {
    lines.push(h("p", {}, h("a", { href: item.website, rel: "noopener", target: "_blank", text: R.checkLink })));
  }
  return lines;
}

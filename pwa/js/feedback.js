// Where a message appears (beside the control that caused it, focused) and the straight line used when there
// is no walking route.
import { clear, distance } from "./dom.js";
import { strings } from "./strings.js";
import { haversineM } from "./geo.js";

/** Put a message where the eye is: in the box beside the control that caused it, focused and scrolled to. */
export function showProblem(box, ...nodes) {
  clear(box).append(...nodes);
  const first = box.firstElementChild;
  if (!first) return;
  first.setAttribute("tabindex", "-1");
  first.focus({ preventScroll: true });
  first.scrollIntoView({ block: "center" });
}

/** Straight-line distance and compass direction from one place to another, in words. */
export function straightLineText(from, to) {
  const A = strings.arrival;
  const rad = Math.PI / 180;
  const y = Math.sin((to.lon - from.lon) * rad) * Math.cos(to.lat * rad);
  const x = Math.cos(from.lat * rad) * Math.sin(to.lat * rad) - Math.sin(from.lat * rad) * Math.cos(to.lat * rad) * Math.cos((to.lon - from.lon) * rad);
  const bearing = (Math.atan2(y, x) / rad + 360) % 360;
  return A.straightLine(distance(haversineM(from.lat, from.lon, to.lat, to.lon)), A.directions[Math.round(bearing / 45) % 8]);
}

// Nearest open Haven: location only on tap (indicator while in use, forgotten on leaving), or a school,
// postcode, street or map point. Offline: the saved directory and distances computed on the phone.
import { h, clear, status, screenTitle, minutes, distance, time, announce } from "../dom.js";
import { getJson, query } from "../api.js";
import { strings } from "../strings.js";
import { createMap, labelledMarker, addLegend, preferredArea } from "../map.js";
import { requestLocation, forgetLocation } from "../location.js";
import { placePicker } from "../places.js";
import { offlineNearby, openState } from "../geo.js";
import { directoryFor, areaFor, savedContacts } from "../directory.js";
import { telHref } from "./help.js";
import { checkedBadge, checkedLines } from "../checked.js";
import { showProblem, straightLineText } from "../feedback.js";

const S = strings.haven;

export function isUnverified(place) {
  return place.sample === true || place.needs_verification === true || !place.verified_at;
}

function badge(place) {
  const st = openState(place);
  if (st.state === "open") return h("span", { class: "badge open" }, S.open, st.closes ? ` · ${S.closesAt(time(st.closes))}` : "");
  if (st.state === "closes_soon") return h("span", { class: "badge soon", text: S.closesSoon(time(st.closes)) });
  if (st.state === "closed") return h("span", { class: "badge closed" }, S.closed, st.opens ? ` · ${S.opensAt(time(st.opens))}` : "");
  return h("span", { class: "badge unknown", text: S.unknown });
}

/** A failed "Walking route": the plain sentence (and the straight line) where the eye is, focused. */
function routeFailure(box, err, from, to) {
  const parts = [status(err.status ? err.message || strings.errorGeneric : strings.arrival.routesNeedConnection, "warn")];
  if (from && to) parts.push(h("p", { class: "straight-line", text: straightLineText(from, to) }));
  showProblem(box, ...parts);
}

/** Where the server had only straight lines, say "about" and the straight-line distance, as offline. */
function estimatedWhereStraight(data) {
  const list = data.havens || [];
  if (data.distance_basis !== "straight_line") return list;
  const mark = (p) => ({ ...p, estimated: true, straight_m: p.distance_m });
  if (data.escalation && data.escalation.open_further) data.escalation.open_further = data.escalation.open_further.map(mark);
  return list.map(mark);
}

/** A place that is open now but closes before a walker could arrive is not offered as open. */
function arrivalAwareBadge(place) {
  const st = openState(place);
  if (place.open_on_arrival === false && (st.state === "open" || st.state === "closes_soon")) {
    return h("span", { class: "badge closed closes-before", text: strings.arrival.closesBefore });
  }
  return badge(place);
}

/** Places open on arrival beyond a 15-minute walk, shown with the help ladder (online and offline alike). */
function furtherOpenList(escalation, card) {
  const further = (escalation && escalation.open_further) || [];
  if (!further.length) return null;
  return h("section", { class: "open-further", "aria-labelledby": "open-further-title" },
    h("h3", { id: "open-further-title", text: strings.arrival.openFurtherTitle }),
    h("ol", { class: "cards havens-further" }, further.map(card)));
}

/** Offline: the saved list ordered by the same open-on-arrival rule, and the same escalation. */
async function offlineResults(place) {
  const now = new Date();
  const found = offlineNearby(await directoryFor(place.lat, place.lon), { lat: place.lat, lon: place.lon, limit: 5, at: now });
  const escalation = found.needed
    ? { message: strings.arrival.offlineNeeded, contacts: await savedContacts(place.lat, place.lon), open_further: found.open_further }
    : null;
  return { havens: found.havens, escalation };
}

function escalationBox(escalation) {
  if (!escalation) return null;
  const box = h("section", { class: "escalation", "aria-labelledby": "escalation-title" }, h("h2", { id: "escalation-title", text: S.escalationTitle }));
  if (typeof escalation === "string") box.append(h("p", { text: escalation }));
  else {
    if (escalation.message) box.append(h("p", { text: escalation.message }));
    const items = escalation.contacts || escalation.services || escalation.numbers || (Array.isArray(escalation) ? escalation : []);
    const list = h("ul", { class: "channels" });
    for (const item of items) {
      const number = item.value || item.phone || item.number;
      const label = item.name || item.label || "";
      if (number) {
        list.append(h("li", {}, h("a", { class: "button call", href: telHref(number) }, `${label} ${number}`.trim()),
          item.when ? h("span", { class: "hint" }, ` ${item.when}`) : null));
      }
    }
    if (list.childElementCount) box.append(list);
  }
  return box;
}

export async function render(main) {
  const results = h("div", { class: "results", "aria-live": "polite" });
  const mapBox = h("div", { id: "haven-map" });
  const routeInfo = h("div", { class: "route-info", "aria-live": "polite" });
  let view = null;
  let viewPromise = null;
  let origin = null;
  // One map per screen, however many callers ask at once ("Map container is already initialized").
  const getMap = () => {
    if (!viewPromise) {
      viewPromise = (async () => {
        try {
          // Tapping a school on the map looks for the nearest places from that school.
          const onSchool = (s) => { forgetLocation(); search({ lat: s.lat, lon: s.lon, label: s.name }); };
          const area = origin ? await areaFor(origin.lat, origin.lon) : await preferredArea().catch(() => null);
          view = await createMap(mapBox, { label: S.mapLabel, area, onSchool });
          addLegend(view, [["havens", strings.arrival.legendHavens], ["schools", strings.arrival.legendSchools], ["end", strings.arrival.legendYou]]);
        } catch (err) {
          mapBox.replaceChildren(status(err.message, "warn"));
        }
        return view;
      })();
    }
    return viewPromise;
  };

  const locate = h("button", { type: "button", class: "button primary big", id: "use-location", text: S.useLocation });
  locate.addEventListener("click", async () => {
    clear(results).append(status(S.locating));
    try {
      const pos = await requestLocation();
      await search(pos);
    } catch (err) {
      clear(results).append(status(err.message, "warn"));
    }
  });
  const picker = placePicker({ onPick: (place) => { forgetLocation(); search(place); }, getMap });
  main.append(
    screenTitle(S.title),
    h("p", { text: S.intro }),
    h("p", {}, locate),
    h("p", { class: "hint", text: S.locationNote }),
    h("h2", { text: S.orPick }),
    picker,
    results,
    routeInfo,
    mapBox,
  );
  getMap();

  async function search(place) {
    origin = place;
    clear(results).append(status(strings.loading));
    clear(routeInfo);
    let havens;
    let escalation = null;
    let notes = [];
    let offline = false;
    try {
      const data = await getJson(`/api/v1/havens?${query({ lat: place.lat, lon: place.lon, limit: 5, at: new Date().toISOString() })}`, { cache: "no-store", timeoutMs: 8000 });
      havens = estimatedWhereStraight(data);
      escalation = data.escalation && data.escalation.needed !== false ? data.escalation : null;
      notes = data.notes || [];
    } catch (err) {
      if (err.status && err.status !== 0 && err.status < 500) {
        clear(results).append(status(err.message, "error"));
        return;
      }
      offline = true;
      try {
        ({ havens, escalation } = await offlineResults(place));
      } catch (e) {
        clear(results).append(status(S.offlineNoData, "error"), h("p", {}, h("a", { class: "button call big", href: "tel:999" }, strings.help.call999)));
        return;
      }
    }
    clear(results).append(h("h2", { id: "haven-results-title", tabindex: "-1", text: S.resultsNear(place.label) }));
    if (offline) results.append(status(S.offlineResults, "warn"));
    for (const note of notes) results.append(h("p", { class: "hint", text: note }));
    if (!havens.length) results.append(status(S.none, "warn"));
    const list = h("ol", { class: "cards havens" });
    for (const haven of havens) list.append(card(haven));
    results.append(...[escalationBox(escalation), furtherOpenList(escalation, card), list].filter(Boolean));
    results.querySelector("#haven-results-title").focus();
    announce(S.resultsNear(place.label));
    await drawPlaces(havens);
  }

  function card(haven) {
    const mins = minutes(haven.walk_s || haven.distance_m / 1.3);
    const walk = haven.estimated ? S.walkApprox(mins, distance(haven.straight_m)) : S.walk(mins, distance(haven.distance_m));
    const routeButton = h("button", { type: "button", class: "button secondary", "aria-label": S.routeTo(haven.name), text: S.showRoute });
    routeButton.addEventListener("click", () => showRoute(haven));
    return h(
      "li",
      { class: "card haven", "data-id": haven.id },
      h("h3", { text: haven.name }),
      h("p", { class: "facts" }, h("span", { class: "tag", text: S.kind[haven.kind] || haven.kind }), arrivalAwareBadge(haven), checkedBadge(haven)),
      h("p", { class: "walk", text: walk }),
      haven.address ? h("p", { class: "address", text: [haven.address, haven.postcode].filter(Boolean).join(", ") }) : null,
      ...checkedLines(haven),
      h("p", {}, routeButton),
    );
  }

  async function drawPlaces(havens) {
    const v = await getMap();
    if (!v) return;
    const { L, layers } = v;
    layers.havens.clearLayers();
    layers.picks.clearLayers();
    layers.routes.clearLayers();
    if (origin) {
      v.setArea(await areaFor(origin.lat, origin.lon).catch(() => null));
      labelledMarker(L, origin.lat, origin.lon, { title: origin.label, className: "pin-origin" }).addTo(layers.picks);
    }
    for (const haven of havens) {
      labelledMarker(L, haven.lat, haven.lon, { title: haven.name, className: isUnverified(haven) ? "pin-haven pin-unverified" : "pin-haven" })
        .bindPopup(haven.name)
        .addTo(layers.havens);
    }
    v.fit([...(origin ? [[origin.lat, origin.lon]] : []), ...havens.map((x) => [x.lat, x.lon])]);
  }

  async function showRoute(haven) {
    clear(routeInfo).append(status(strings.loading));
    const v = await getMap();
    try {
      const fc = await getJson(`/api/v1/routes?${query({ from: `${origin.lat},${origin.lon}`, to: `${haven.lat},${haven.lon}` })}`, { cache: "no-store" });
      const feature = (fc.features || []).find((f) => f.properties.kind === "safer") || (fc.features || [])[0];
      clear(routeInfo);
      if (!feature) throw new Error(strings.errorGeneric);
      const p = feature.properties;
      routeInfo.append(h("h2", { text: S.routeTo(haven.name) }), h("p", { text: strings.route.summary(minutes(p.duration_s), distance(p.length_m)) }));
      if (p.streets && p.streets.length) routeInfo.append(h("p", { text: strings.route.via(p.streets.slice(0, 6).join(", ")) }));
      routeInfo.scrollIntoView({ block: "start" });
      routeInfo.querySelector("h2").setAttribute("tabindex", "-1");
      routeInfo.querySelector("h2").focus({ preventScroll: true });
      if (v) {
        v.layers.routes.clearLayers();
        const line = v.L.geoJSON(feature, { style: { color: "#0b5cad", weight: 6 } }).addTo(v.layers.routes);
        v.map.fitBounds(line.getBounds().pad(0.2));
      }
    } catch (err) {
      routeFailure(routeInfo, err, origin, haven);
      if (v && origin) {
        v.layers.routes.clearLayers();
        v.L.polyline([[origin.lat, origin.lon], [haven.lat, haven.lon]], { color: "#0b5cad", dashArray: "6 8", weight: 4 }).addTo(v.layers.routes);
      }
    }
  }

  const onForgotten = () => {
    if (origin && origin.label === S.yourLocation) {
      origin = null;
      clear(results);
      clear(routeInfo);
      if (view) for (const layer of Object.values(view.layers)) layer.clearLayers();
    }
  };
  document.addEventListener("wayhome:location-forgotten", onForgotten);
  return () => {
    document.removeEventListener("wayhome:location-forgotten", onForgotten);
    forgetLocation();
    origin = null;
    if (view) view.map.remove();
  };
}

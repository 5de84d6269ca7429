// Leaflet map with a canvas renderer. Base layer: the area's own streets from our backend (works offline,
// nothing sent to third parties); a deployment may configure a tile server instead.
import { h } from "./dom.js";
import { areas, areaList, getJson, query } from "./api.js";
import { strings } from "./strings.js";

let leafletPromise = null;
const SCHOOL_GAP_PX = 26;
const streetsByArea = new Map();

export function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (!leafletPromise) {
    leafletPromise = new Promise((resolve, reject) => {
      const css = h("link", { rel: "stylesheet", href: "/vendor/leaflet/leaflet.css" });
      document.head.append(css);
      const script = h("script", { src: "/vendor/leaflet/leaflet.js" });
      script.onload = () => resolve(window.L);
      script.onerror = () => {
        leafletPromise = null;
        reject(new Error(strings.map.unavailable));
      };
      document.head.append(script);
    });
  }
  return leafletPromise;
}

function tileConfig(areasPayload, area) {
  const meta = document.querySelector('meta[name="wayhome:tile-url"]');
  const fromArea = area && (area.tiles || (area.tile_url ? { url: area.tile_url } : null));
  const top = areasPayload && !Array.isArray(areasPayload) ? areasPayload : {};
  const fromTop = top.tiles || (top.tile_url ? { url: top.tile_url, attribution: top.tile_attribution } : null);
  const cfg = fromArea || fromTop || (meta && meta.content ? { url: meta.content } : null);
  return cfg && (cfg.url || cfg.tile_url) ? { url: cfg.url || cfg.tile_url, attribution: cfg.attribution || "" } : null;
}

async function streets(slug) {
  if (!streetsByArea.has(slug)) {
    const p = getJson(`/api/v1/areas/${encodeURIComponent(slug)}/streets`, { timeoutMs: 30000 }).catch((err) => {
      streetsByArea.delete(slug);
      throw err;
    });
    streetsByArea.set(slug, p);
  }
  return streetsByArea.get(slug);
}

async function schoolsOf(slug) {
  const data = await getJson(`/api/v1/schools?${query({ area: slug, limit: 500 })}`);
  return (data && data.schools) || [];
}

/**
 * Create a map in `container`. Returns {L, map, layers, setArea(slug)}; layers are havens, schools, routes,
 * hotspots and picks (L.LayerGroup), added in that order so routes draw above streets.
 * With `onSchool`, the area's schools are drawn as small labelled markers; tapping one calls onSchool(school).
 */
export async function createMap(container, { label, area = null, onSchool = null } = {}) {
  container.classList.add("map");
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", label);
  const L = await loadLeaflet();
  const renderer = L.canvas({ padding: 0.5 });
  const map = L.map(container, { renderer, preferCanvas: true, zoomControl: true, attributionControl: true });
  map.attributionControl.setPrefix(false);
  const base = L.layerGroup().addTo(map);
  const layers = {};
  // Feature groups fire layeradd/layerremove, which the schools layer uses to keep clear of the other markers.
  for (const name of ["hotspots", "routes", "schools", "havens", "picks"]) layers[name] = L.featureGroup().addTo(map);
  let areaSlug = null;
  const view = {
    L,
    map,
    layers,
    async setArea(slug) {
      if (!slug || slug === areaSlug) return;
      areaSlug = slug;
      rememberArea(slug);
      base.clearLayers();
      let payload = null;
      let info = null;
      try {
        payload = await areas();
        info = areaList(payload).find((a) => a.slug === slug) || null;
      } catch (err) {
        info = null;
      }
      if (info && info.bbox && !view.fitted) {
        const [minLon, minLat, maxLon, maxLat] = info.bbox;
        map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);
      }
      if (onSchool) drawSchools(slug);
      const tiles = tileConfig(payload, info);
      if (tiles) {
        L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(base);
        return;
      }
      map.attributionControl.addAttribution(strings.map.osmAttribution);
      try {
        const geojson = await streets(slug);
        if (areaSlug !== slug) return;
        L.geoJSON(geojson, {
          renderer,
          interactive: false,
          style: (f) => ({ color: "#8a8f98", weight: streetWeight(f), opacity: 0.9 }),
        }).addTo(base);
      } catch (err) {
        container.classList.add("map-no-streets");
      }
    },
    fit(latlngs) {
      if (!latlngs.length) return;
      view.fitted = true;
      map.fitBounds(L.latLngBounds(latlngs).pad(0.15), { maxZoom: 17 });
    },
  };
  let schoolMarkers = [];
  async function drawSchools(slug) {
    let found;
    try {
      found = await schoolsOf(slug);
    } catch (err) {
      return; // offline or not served: the map still works without the schools layer
    }
    if (areaSlug !== slug) return;
    layers.schools.clearLayers();
    schoolMarkers = found.filter((s) => Number.isFinite(s.lat) && Number.isFinite(s.lon)).map((school) => {
      const marker = labelledMarker(L, school.lat, school.lon, { title: strings.map.school(school.name), className: "pin-school-small", size: 24 });
      marker.on("click", () => onSchool(school));
      return marker;
    });
    declutter();
  }
  /** Show only school markers that keep a 24 px target clear of every other marker (WCAG 2.5.8); zoom in for more. */
  let pending = false;
  function declutter() {
    if (pending || !schoolMarkers.length) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const taken = [];
      const keep = new Set();
      for (const name of ["havens", "picks"]) layers[name].eachLayer((l) => l.getLatLng && taken.push(map.latLngToLayerPoint(l.getLatLng())));
      const size = map.getSize();
      // Fully inside the map and clear of the zoom buttons and attribution links, or its target would be clipped.
      const inside = (c) => c.x >= 14 && c.y >= 14 && c.x <= size.x - 14 && c.y <= size.y - 30 && !(c.x < 60 && c.y < 90);
      for (const marker of schoolMarkers) {
        if (!inside(map.latLngToContainerPoint(marker.getLatLng()))) continue;
        const pt = map.latLngToLayerPoint(marker.getLatLng());
        if (taken.some((o) => Math.abs(o.x - pt.x) < SCHOOL_GAP_PX && Math.abs(o.y - pt.y) < SCHOOL_GAP_PX)) continue;
        taken.push(pt);
        keep.add(marker);
      }
      // Change only what differs: re-adding every marker on each move would churn the DOM under screen readers.
      for (const marker of schoolMarkers) {
        if (keep.has(marker) && !layers.schools.hasLayer(marker)) layers.schools.addLayer(marker);
        else if (!keep.has(marker) && layers.schools.hasLayer(marker)) layers.schools.removeLayer(marker);
      }
    });
  }
  if (onSchool) {
    map.on("moveend resize", declutter);
    layers.havens.on("layeradd layerremove", declutter);
    layers.picks.on("layeradd layerremove", declutter);
  }
  map.setView([51.5, -0.09], 13);
  if (area) await view.setArea(area);
  setTimeout(() => map.invalidateSize(), 0);
  return view;
}

function streetWeight(feature) {
  const hw = feature && feature.properties && feature.properties.highway;
  const kind = Array.isArray(hw) ? hw[0] : hw;
  if (["primary", "secondary", "trunk"].includes(kind)) return 3;
  if (["tertiary", "residential", "unclassified"].includes(kind)) return 2;
  return 1;
}

/** A marker that is a real focusable control with a text label (keyboard and screen-reader usable). */
export function labelledMarker(L, lat, lon, { title, className, size = 24 }) {
  const icon = L.divIcon({ className: `pin ${className || ""}`, iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
  const marker = L.marker([lat, lon], { icon, title, alt: title, keyboard: true });
  marker.on("add", () => {
    const el = marker.getElement();
    if (!el || el.dataset.labelled) return;
    el.dataset.labelled = "1";
    el.setAttribute("aria-label", title);
    // Leaflet markers are focusable buttons but ignore Enter and Space; a keyboard user must be able to choose one.
    el.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      marker.fire("click", { latlng: marker.getLatLng(), originalEvent: ev });
    });
  });
  return marker;
}

// ---- Where a map starts, and its key (issue 11) ----------------------------------------------------------
const LAST_AREA_KEY = "wayhome.lastArea"; // an area's name only, kept on this phone: never a location

function rememberArea(slug) {
  try {
    localStorage.setItem(LAST_AREA_KEY, slug);
  } catch (err) {
    /* private mode: the map starts on the first area */
  }
}

/** The area a map starts on when nothing is chosen yet: the last area used on this phone, else the first. */
export async function preferredArea() {
  const list = areaList(await areas());
  let last = null;
  try {
    last = localStorage.getItem(LAST_AREA_KEY);
  } catch (err) {
    last = null;
  }
  const hit = list.find((a) => a.slug === last);
  return hit ? hit.slug : list.length ? list[0].slug : null;
}

/** A key in the map's corner; `items` are [swatchClass, text] pairs drawn in that order. */
export function addLegend(view, items) {
  const { L, map } = view;
  const Legend = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd() {
      const box = h("div", { class: "map-legend" }, h("p", { class: "map-legend-title", text: strings.arrival.legend }),
        h("ul", {}, items.map(([cls, text]) => h("li", {}, h("span", { class: `legend-swatch ${cls}`, "aria-hidden": "true" }), text))));
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  const control = new Legend();
  control.addTo(map);
  return control;
}

/** A start or end marker with its label always shown beside it. */
export function endpointMarker(L, lat, lon, { label, className }) {
  return labelledMarker(L, lat, lon, { title: label, className })
    .bindTooltip(label, { permanent: true, direction: "top", offset: [0, -12], className: "endpoint-label" });
}

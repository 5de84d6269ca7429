// Device location: asked only when the person taps, shown by an indicator while in use, then forgotten.
import { strings } from "./strings.js";

let current = null;

function indicator(on) {
  const el = document.getElementById("location-indicator");
  if (!el) return;
  el.hidden = !on;
}

export function locationInUse() {
  return current !== null;
}

export function requestLocation({ timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error(strings.haven.locationDenied));
      return;
    }
    indicator(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        current = { lat: pos.coords.latitude, lon: pos.coords.longitude, label: strings.haven.yourLocation };
        indicator(true);
        resolve(current);
      },
      () => {
        forgetLocation();
        reject(new Error(strings.haven.locationDenied));
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    );
  });
}

/** Drop the position: called when leaving a screen or when the person taps "stop using my location". */
export function forgetLocation() {
  current = null;
  indicator(false);
  document.dispatchEvent(new CustomEvent("wayhome:location-forgotten"));
}

#!/bin/sh
# Copy the pinned front-end libraries from node_modules into pwa/vendor/ (gitignored), so the PWA is served
# by our own backend with no third-party requests. Run by `npm ci` (postinstall) or by hand.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/node_modules/leaflet/dist"
dest="$root/pwa/vendor/leaflet"
if [ ! -f "$src/leaflet.js" ]; then
  echo "vendor_pwa: $src missing; run 'npm ci' first" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest/images"
cp "$src/leaflet.js" "$src/leaflet.css" "$dest/"
cp "$src"/images/*.png "$dest/images/"
cp "$root/node_modules/leaflet/LICENSE" "$dest/LICENSE"
# uPlot draws the console's charts (staff only: not in the service worker's precache).
uplot="$root/node_modules/uplot"
if [ -f "$uplot/dist/uPlot.esm.js" ]; then
  rm -rf "$root/pwa/vendor/uplot"
  mkdir -p "$root/pwa/vendor/uplot"
  cp "$uplot/dist/uPlot.esm.js" "$uplot/dist/uPlot.min.css" "$uplot/LICENSE" "$root/pwa/vendor/uplot/"
fi
echo "vendor_pwa: leaflet $(node -p "require('$root/node_modules/leaflet/package.json').version" 2>/dev/null || echo '?') -> pwa/vendor/leaflet"
# The privacy notice (written in content/privacy.md) as a static copy the About screen can show.
if [ -f "$root/content/privacy.md" ]; then
  cp "$root/content/privacy.md" "$root/pwa/vendor/privacy.md"
fi

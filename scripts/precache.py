"""Generate the service worker's precache list and the app version from the shell files' content.

`python scripts/precache.py` rewrites, in place, the PRECACHE block of pwa/sw.js and the VERSION in pwa/sw.js
and pwa/js/version.js; `--check` only says whether they are current (a test runs it, so a change to any shell
file without regenerating fails CI instead of shipping an app that keeps serving the old files offline).

The shell is every public file the app needs offline: the page, the offline page, the manifest, the CSS, two
icons, and every ES module under js/ except js/staff/ (staff code is never cached). The version is a hash of
those files' bytes, so it changes exactly when one of them does.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

PWA = Path(__file__).resolve().parents[1] / "pwa"
FIXED = ["/", "/offline.html", "/manifest.webmanifest", "/icons/icon-192.png", "/icons/maskable-512.png"]
VERSION_FILES = (PWA / "sw.js", PWA / "js" / "version.js")
BLOCK = re.compile(r"(// PRECACHE-START[^\n]*\nconst PRECACHE = \[\n)(.*?)(\];\n// PRECACHE-END)", re.S)
VERSION_LINE = re.compile(r'((?:export )?const VERSION = ")([^"]*)(";)')


def shell_entries() -> list[str]:
    css = sorted(f"/{p.relative_to(PWA).as_posix()}" for p in (PWA / "css").glob("*.css"))
    js = sorted(
        f"/{p.relative_to(PWA).as_posix()}"
        for p in (PWA / "js").rglob("*.js")
        if "staff" not in p.relative_to(PWA / "js").parts
    )
    return [*FIXED[:3], *css, *FIXED[3:], *js]


def served(entry: str) -> Path:
    return PWA / ("index.html" if entry == "/" else entry.lstrip("/"))


def version(entries: list[str]) -> str:
    """sha256 of every shell file and the service worker, each with its own version string blanked."""
    digest = hashlib.sha256()
    for path in sorted({served(e) for e in entries} | set(VERSION_FILES)):
        data = path.read_bytes()
        if path in VERSION_FILES:
            data = VERSION_LINE.sub(r"\g<1>\g<3>", data.decode("utf-8")).encode("utf-8")
            if path.name == "sw.js":
                data = BLOCK.sub(r"\g<1>\g<3>", data.decode("utf-8")).encode("utf-8")
        digest.update(path.relative_to(PWA).as_posix().encode() + b"\0" + data + b"\0")
    return f"shell-{digest.hexdigest()[:12]}"


def generated() -> dict[Path, str]:
    entries = shell_entries()
    value = version(entries)
    sw = (PWA / "sw.js").read_text(encoding="utf-8")
    listing = "".join(f'  "{e}",\n' for e in entries)
    sw = BLOCK.sub(lambda m: m.group(1) + listing + m.group(3), sw, count=1)
    out = {PWA / "sw.js": VERSION_LINE.sub(rf"\g<1>{value}\g<3>", sw, count=1)}
    app = (PWA / "js" / "version.js").read_text(encoding="utf-8")
    out[PWA / "js" / "version.js"] = VERSION_LINE.sub(rf"\g<1>{value}\g<3>", app, count=1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the files are not current")
    args = parser.parse_args(argv)
    stale = [p for p, text in generated().items() if p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(
                f"{p.relative_to(PWA.parent)} is out of date: run `python scripts/precache.py`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for p, text in generated().items():
        p.write_text(text, encoding="utf-8")
    print(f"precache: {len(shell_entries())} files, version {version(shell_entries())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

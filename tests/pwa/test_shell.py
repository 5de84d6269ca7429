"""The PWA shell: size budget of the precache, precache completeness, manifest and icons, strings in one file.

These read the files in pwa/ (what the backend serves at /); they need no browser and no server.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct
from pathlib import Path

import pytest

PWA = Path(__file__).resolve().parents[2] / "pwa"
SHELL_BUDGET_GZIP_BYTES = 200 * 1024
IMPORT_RE = re.compile(r"""(?:import\s*(?:[^'"()]*?\sfrom\s*)?|import\()\s*["'](\.{1,2}/[^"']+)["']""")


def precache_list() -> list[str]:
    text = (PWA / "sw.js").read_text(encoding="utf-8")
    block = text.split("// PRECACHE-START", 1)[1].split("// PRECACHE-END", 1)[0]
    return re.findall(r'^\s*"([^"]+)",?\s*$', block, flags=re.M)


def served_file(url_path: str) -> Path:
    return PWA / ("index.html" if url_path == "/" else url_path.lstrip("/"))


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def module_graph(entry: Path) -> set[Path]:
    """Every ES module reachable from `entry` by static or dynamic relative imports."""
    seen: set[Path] = set()
    todo = [entry.resolve()]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for spec in IMPORT_RE.findall(path.read_text(encoding="utf-8")):
            todo.append((path.parent / spec).resolve())
    return seen


def test_precache_entries_exist_and_fit_the_budget() -> None:
    entries = precache_list()
    assert "/" in entries and "/offline.html" in entries and "/manifest.webmanifest" in entries
    missing = [e for e in entries if not served_file(e).is_file()]
    assert not missing, f"precached files that do not exist: {missing}"
    assert not [e for e in entries if e.startswith("/vendor/")], (
        "the map library is cached apart from the shell"
    )
    total = sum(gzip_size(served_file(e)) for e in entries)
    print(
        f"shell precache: {len(entries)} files, {total / 1024:.1f} KiB gzip (budget {SHELL_BUDGET_GZIP_BYTES // 1024} KiB)"
    )
    assert total <= SHELL_BUDGET_GZIP_BYTES


def test_every_public_module_is_precached_and_no_staff_code_is() -> None:
    entries = set(precache_list())
    graph = module_graph(PWA / "js" / "app.js") | module_graph(PWA / "js" / "offline.js")
    public = {
        "/" + p.relative_to(PWA).as_posix() for p in graph if "staff" not in p.relative_to(PWA).parts[1:2]
    }
    assert public - entries == set(), "modules the app loads offline must be precached"
    assert not [e for e in entries if e.startswith("/js/staff/")], "staff code must never be precached"
    staff_modules = {p for p in graph if p.parent.name == "staff"}
    assert staff_modules, "the console is reachable from the app (loaded after sign-in)"


def test_service_worker_never_caches_staff_paths() -> None:
    text = (PWA / "sw.js").read_text(encoding="utf-8")
    never = text.split("const NEVER_CACHE = [", 1)[1].split("];", 1)[0]
    for fragment in (r"\/js\/staff\/", r"\/api\/v1\/admin\/", r"\/api\/v1\/auth\/", r"\/api\/v1\/me$"):
        assert fragment in never


def test_service_worker_version_matches_the_app() -> None:
    sw_version = re.search(r'const VERSION = "([^"]+)"', (PWA / "sw.js").read_text(encoding="utf-8"))
    app_version = re.search(r'VERSION = "([^"]+)"', (PWA / "js" / "version.js").read_text(encoding="utf-8"))
    assert sw_version and app_version and sw_version.group(1) == app_version.group(1)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_is_installable() -> None:
    manifest = json.loads((PWA / "manifest.webmanifest").read_text(encoding="utf-8"))
    for key in ("name", "short_name", "start_url", "display", "theme_color", "background_color", "icons"):
        assert manifest.get(key), key
    assert manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert ("192x192", "any") in sizes and ("512x512", "any") in sizes and ("512x512", "maskable") in sizes
    for icon in manifest["icons"]:
        w, h = png_size(PWA / icon["src"].lstrip("/"))
        assert f"{w}x{h}" == icon["sizes"], icon["src"]


@pytest.mark.parametrize("path", sorted(p.relative_to(PWA).as_posix() for p in (PWA / "js").rglob("*.js")))
def test_ui_text_lives_in_strings_js(path: str) -> None:
    """Screens take their words from strings.js so a translation can be added: no English literals in code."""
    if path == "js/strings.js":
        return
    code = (PWA / path).read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", code, flags=re.S)  # comments may be English
    literals = re.findall(r'"([^"\\\n]*)"|`([^`\\]*)`', code)
    words = [a or b for a, b in literals if re.search(r"\b[A-Z][a-z]{2,} [a-z]{2,} [a-z]{2,}", a or b)]
    assert not words, f"user-facing text outside strings.js in {path}: {words[:5]}"


def test_precache_list_and_version_are_generated_from_the_shell_files(tmp_path: Path) -> None:
    """The list and the version come from scripts/precache.py; editing a shell file without regenerating fails."""
    import subprocess
    import sys

    script = PWA.parent / "scripts" / "precache.py"
    current = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert current.returncode == 0, current.stderr
    copy = tmp_path / "repo"
    for rel in ("pwa", "scripts"):
        shutil.copytree(PWA.parent / rel, copy / rel, ignore=shutil.ignore_patterns("vendor", "screenshots"))
    (copy / "pwa" / "js" / "screens" / "new-screen.js").write_text("export const x = 1;\n")
    stale = subprocess.run(
        [sys.executable, str(copy / "scripts" / "precache.py"), "--check"], capture_output=True, text=True
    )
    assert stale.returncode == 1 and "out of date" in stale.stderr
    done = subprocess.run(
        [sys.executable, str(copy / "scripts" / "precache.py")], capture_output=True, text=True
    )
    assert done.returncode == 0
    sw = (copy / "pwa" / "sw.js").read_text()
    assert '"/js/screens/new-screen.js",' in sw
    old = re.search(r'const VERSION = "([^"]+)"', (PWA / "sw.js").read_text()).group(1)  # type: ignore[union-attr]
    new = re.search(r'const VERSION = "([^"]+)"', sw).group(1)  # type: ignore[union-attr]
    assert new != old and new in (copy / "pwa" / "js" / "version.js").read_text()

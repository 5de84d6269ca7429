"""BENCHMARKS.md, written one section at a time by each benchmark and evaluation."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, heading: str, text: str) -> None:
    """Replace (or append) one `## heading` section of BENCHMARKS.md; every other byte of the file is kept.

    Other engineers edit other sections concurrently, so the file is re-read just before the write.
    """
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    body = "## " + text.removeprefix("## ").strip() + "\n"
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$", old, flags=re.MULTILINE)
    if match is None:
        new = old.rstrip("\n") + "\n\n" + body
    else:
        nxt = re.search(r"^## ", old[match.end() :], flags=re.MULTILINE)
        end = match.end() + nxt.start() if nxt else len(old)
        new = old[: match.start()] + body + ("\n" if nxt else "") + old[end:]
    path.write_text(new)

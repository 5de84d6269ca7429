"""`wayhome bench routes` / `eval risk` rewrite only their own section of BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from bench.benchmarks_file import write_section

DOC = (
    "# Benchmarks\n\nIntro.\n\n## Havens\n\nhaven rows  \n\n\n## Routes\n\nold routes\n| a | b |\n\n"
    "## Risk surface evaluation\n\nrisk rows\n"
)


def test_only_the_named_section_changes(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(DOC)
    write_section(path, "Routes", "## Routes\n\nnew routes\n")
    text = path.read_text()
    before = DOC.split("## Routes")[0]
    assert text.startswith(before)  # the other sections keep every byte, trailing spaces included
    assert text.endswith("## Risk surface evaluation\n\nrisk rows\n")
    assert "new routes" in text and "old routes" not in text


def test_last_section_and_missing_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(DOC)
    write_section(path, "Risk surface evaluation", "## Risk surface evaluation\n\nnew risk\n")
    assert path.read_text() == DOC.replace("risk rows", "new risk")
    write_section(path, "Hotspots", "## Hotspots\n\nfresh\n")
    assert path.read_text().endswith("new risk\n\n## Hotspots\n\nfresh\n")

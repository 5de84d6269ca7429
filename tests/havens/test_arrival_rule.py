"""One rule, two implementations: the server's open-on-arrival rule and the phone's answer the same cases."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from havens.arrival import ARRIVAL_MARGIN_S, open_on_arrival

ROOT = Path(__file__).resolve().parents[2]
CASES: list[dict[str, Any]] = json.loads((ROOT / "tests" / "fixtures" / "open_on_arrival.json").read_text())[
    "cases"
]
ARRIVAL_JS = ROOT / "pwa" / "js" / "arrival.js"
NODE = shutil.which("node")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def python_answer(case: dict[str, Any]) -> bool | None:
    place = case["place"]
    return open_on_arrival(
        open_now=place["open_now"],
        opens_at=_when(place["opens_at"]),
        closes_at=_when(place["closes_at"]),
        at=datetime.fromisoformat(case["at"]),
        walk_s=case["walk_s"],
        margin_s=case.get("margin_s", ARRIVAL_MARGIN_S),
    )


def js_answers() -> list[bool | None]:
    code = (
        f"import {{ openOnArrival }} from {json.dumps(ARRIVAL_JS.as_uri())};\n"
        f"const cases = {json.dumps(CASES)};\n"
        "console.log(JSON.stringify(cases.map((c) => openOnArrival(c.place, "
        "{ at: c.at, walk_s: c.walk_s, ...(c.margin_s !== undefined ? { margin_s: c.margin_s } : {}) }))));"
    )
    out = subprocess.run(
        [str(NODE), "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )
    return list(json.loads(out.stdout))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_server_rule_answers_each_case(case: dict[str, Any]) -> None:
    assert python_answer(case) is case["expected"]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_phone_rule_agrees_with_the_server_rule_on_every_case() -> None:
    got = js_answers()
    for case, answer in zip(CASES, got, strict=True):
        assert answer == python_answer(case) == case["expected"], case["name"]


def test_the_margin_is_the_same_number_on_both_sides() -> None:
    text = ARRIVAL_JS.read_text(encoding="utf-8")
    assert f"export const ARRIVAL_MARGIN_S = {ARRIVAL_MARGIN_S // 60} * 60;" in text

"""Offline search on the phone (pwa/js/gazetteer.js) over the real packs' compact gazetteers, and the age tiers
(pwa/js/tiers.js) against the server's rule. Run in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from content.areas import load_all_areas
from content.messages import TIERS, tier_for_age
from content.offline_gazetteer import compact_gazetteer

JS = Path(__file__).resolve().parents[2] / "pwa" / "js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run(module: str, script: str, stdin: str = "") -> Any:
    code = f"import * as m from {json.dumps((JS / module).as_uri())};\n{script}"
    out = subprocess.run(
        [str(NODE), "--input-type=module", "-e", code],
        input=stdin, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def search(query: str, **options: Any) -> list[dict[str, Any]]:
    bodies = [compact_gazetteer(p) for p in load_all_areas().values()]
    script = (
        "let text = ''; for await (const chunk of process.stdin) text += chunk;\n"
        "const gs = JSON.parse(text).map(m.decode);\n"
        f"console.log(JSON.stringify(m.searchIn(gs, {json.dumps(query)}, {json.dumps(options)})));"
    )
    return list(run("gazetteer.js", script, stdin=json.dumps(bodies)))


@pytest.mark.parametrize("typed", ["SE5 7AL", "se57al", " se5  7al "])
def test_a_full_postcode_is_found_where_the_pack_has_it(typed: str) -> None:
    pack = load_all_areas()["southwark"]
    expected = pack.postcode("SE5 7AL")
    assert expected is not None
    got = search(typed)
    assert (
        got[0]["label"] == "SE5 7AL" and got[0]["ref"] == "postcode:SE5 7AL" and got[0]["area"] == "southwark"
    )
    assert abs(got[0]["lat"] - expected.lat) < 1e-5 and abs(got[0]["lon"] - expected.lon) < 1e-5


def test_a_postcode_not_in_any_area_finds_nothing() -> None:
    assert search("SW1A 1AA") == []  # Westminster: in no pack


def test_school_names_are_found_by_the_start_of_their_words() -> None:
    got = search("st pauls primary", kinds=["school"])
    names = [c["school"]["name"] for c in got]
    assert "St Paul's CofE Primary School N11" in names
    school = got[names.index("St Paul's CofE Primary School N11")]
    assert school["ref"] == "school:101325" and school["school"]["urn"] == "101325"
    assert (
        search("lordship lane primary", kinds=["school"])[0]["school"]["name"]
        == "Lordship Lane Primary School"
    )


def test_every_age_maps_to_the_servers_tier() -> None:
    ages = list(range(5, 30))
    got = run("tiers.js", f"console.log(JSON.stringify([m.TIERS, {ages}.map(m.tierForAge)]))")
    assert got == [list(TIERS), [tier_for_age(a) for a in ages]]

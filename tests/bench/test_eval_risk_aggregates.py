"""`wayhome eval risk --aggregates SOURCE=FILE...` scores each partnership aggregate source as its own layer.

The held-out months are the north-london-demo pack's real MPS counts; the aggregate files are hand-made test
fixtures in the import's format (`wayhome data aggregates import`), not data: their counts mean nothing, they
only sit on the LSOAs where the held-out crime is high (or low) so the scores have a known direction.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from backend.cli import build_parser
from bench.eval_risk import PLAN_MINOR, TEST, counts, load_lsoas

AREA = "north-london-demo"
PACK = Path(__file__).resolve().parents[2] / "content" / "areas" / AREA
BENCHMARKS = Path(__file__).resolve().parents[2] / "BENCHMARKS.md"
TRAIN_MONTHS = ("2024-06", "2024-09", "2025-01")  # inside TRAIN; a test-period row must be ignored
UNSCORED = "are unscored here because no such data is on this machine"


@pytest.fixture(scope="module")
def by_heldout_crime() -> list[str]:
    """The pack's LSOAs, most held-out plan crime per m² first."""
    lsoas = load_lsoas(PACK / "lsoa.geojson")
    df = pd.read_csv(PACK / "crime_lsoa_monthly.csv", dtype={"month": str})
    density = counts(df, lsoas, TEST, weighted=False, minor=PLAN_MINOR) / lsoas.area_m2
    return [code for _, code in sorted(zip(-density, lsoas.codes, strict=True))]


def _counts_file(path: Path, lsoas: list[str]) -> Path:
    rows = [f"{m},{code},7,testfixture assault" for m in TRAIN_MONTHS for code in lsoas]
    rows.append(f"{TEST[0]},{lsoas[0]},900,testfixture assault")  # held-out month: not in the training layer
    path.write_text("month,lsoa_code,count,category\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _istv_file(path: Path, lsoas: list[str]) -> Path:
    with (PACK / "postcodes.csv").open(encoding="utf-8") as f:
        postcode = {r["lsoa11cd"]: r["postcode"] for r in csv.DictReader(f)}
    rows = [
        f"{m}-1{d},15:00-17:59,{postcode[c]},knife"
        for m in TRAIN_MONTHS
        for c in lsoas
        if c in postcode
        for d in range(3)
    ]
    path.write_text("date_of_assault,time_band,location,weapon\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _eval(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["eval", "risk", AREA, "--no-write", *extra])
    code = int(args.func(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _table(text: str) -> dict[str, tuple[float, float, float]]:
    rows = [
        line.strip("|").split(" | ")
        for line in text.splitlines()
        if line.startswith("| ") and "---" not in line
    ]
    return {r[0].strip(): (float(r[1]), float(r[2]), float(r[3])) for r in rows[1:]}


def test_each_source_is_a_layer_and_a_hot_layer_beats_a_cold_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], by_heldout_crime: list[str]
) -> None:
    before = BENCHMARKS.read_bytes()
    hot, cold = by_heldout_crime[:6], by_heldout_crime[-6:]
    code, out, err = _eval(
        capsys,
        "--aggregates",
        f"ambulance={_counts_file(tmp_path / 'las.csv', hot)}",
        f"transport={_counts_file(tmp_path / 'tfl.csv', cold)}",
        f"istv={_istv_file(tmp_path / 'ed.csv', hot)}",
    )
    assert (code, err) == (0, "")
    table = _table(out)
    alone = {label.split(" by LSOA (")[0]: s for label, s in table.items() if " by LSOA (" in label}
    assert sorted(alone) == [
        "ISTV emergency-department assaults",
        "TfL/BTP transport offences",
        "ambulance assault calls",
    ]
    span = f"({TRAIN_MONTHS[0]}..{TRAIN_MONTHS[-1]}, half-life 12 mo)"  # training months only
    assert all(span in label for label in table if " by LSOA (" in label)
    ambulance, transport = alone["ambulance assault calls"], alone["TfL/BTP transport offences"]
    assert ambulance[1] > 1.0 and ambulance[1] > transport[1]  # PAI 10%
    assert ambulance[2] > 1.0 and ambulance[2] > transport[2]  # PAI 20%
    assert ambulance[0] > transport[0]  # Spearman
    assert alone["ISTV emergency-department assaults"][1] > 1.0
    combos = [label for label in table if label.startswith("served layers (MPS LSOA 0.9) + ")]
    assert len(combos) == 4  # each source beside the served layers, then all three together
    assert UNSCORED not in out and BENCHMARKS.read_bytes() == before


def test_without_aggregate_files_the_layers_are_said_to_be_unscored(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _eval(capsys)
    assert code == 0 and UNSCORED in out
    assert not any(" by LSOA (" in label for label in _table(out))


def test_a_malformed_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "las.csv"
    bad.write_text("month,lsoa_code,count\n2024-13,E01000116,7\n", encoding="utf-8")
    code, out, err = _eval(capsys, "--aggregates", f"ambulance={bad}")
    assert (code, out) == (2, "")
    assert (
        err
        == f"wayhome: {bad} is not a readable ambulance file: row 2, month: month must be written like 2025-03.\n"
    )
    code, _, err = _eval(capsys, "--aggregates", str(bad))  # no source named
    assert code == 2 and err.count("\n") == 1 and "SOURCE=FILE" in err and "Traceback" not in err

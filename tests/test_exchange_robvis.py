"""robvis: what R's read.csv and robvis's Generic tool make of our export.

robvis (github.com/mcguinlu/robvis, R/rob_traffic_light.R) reads a data frame whose last
column, when numeric, is a weight and is dropped; with ``overall = FALSE`` every other column
after Study is a domain, captioned "D1: <name with dots as spaces>". R's read.csv first makes
each header a valid name (``1.1`` becomes ``X1.1``). Both steps are replayed here.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from review.appraisal.robvis import MMAT_NAMES
from review.cli import main

DATA = Path(__file__).parent / "data" / "exchange" / "robvis"


def _make_names(name: str) -> str:
    """R's make.names: invalid characters to '.', an 'X' before a name not starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9._]", ".", name)
    return name if re.match(r"[A-Za-z]|\.(?![0-9])", name) else f"X{name}"


def _robvis_captions(path: Path, overall: bool) -> list[str]:
    """The domain captions rob_traffic_light(read.csv(path), "Generic", overall) prints."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = [_make_names(h) for h in rows[0]], rows[1:]
    if all(re.fullmatch(r"-?[0-9]*\.?[0-9]+", row[-1]) for row in body):
        header = header[:-1]  # the weight column
    domains = header[1:-1] if overall else header[1:]
    return [f"D{i}: {name.replace('.', ' ')}" for i, name in enumerate(domains, start=1)]


@pytest.fixture
def ws(built_example: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(built_example, target)
    return target


def test_robvis_prints_our_domains_by_name_and_no_overall(runner, ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "robvis.csv"
    result = runner.invoke(main, ["-C", str(ws), "appraise", "robvis-export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("robvis-*.csv"))
    assert files, result.output
    qualitative = tmp_path / "robvis-1.csv"
    assert _robvis_captions(qualitative, overall=False) == [
        "D1: Clear research questions", "D2: Data address the questions", "D3: Qualitative approach appropriate",
        "D4: Data collection adequate", "D5: Findings derived from data", "D6: Interpretation substantiated",
        "D7: Coherence throughout"]
    for path in files:
        captions = _robvis_captions(path, overall=False)
        assert not any(c.split(": ")[1].startswith("X") or "Overall" in c for c in captions), captions
    # Exported then imported again changes nothing.
    result = runner.invoke(main, ["-C", str(ws), "appraise", "robvis-import", str(qualitative), "--reviewer", "JM"])
    assert result.exit_code == 0 and "0 recorded" in result.output, result.output


def test_overall_on_request_is_what_robvis_overall_true_expects(runner, ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "rct.csv"
    result = runner.invoke(main, ["-C", str(ws), "appraise", "robvis-export", "--output", str(out),
                                  "--category", "1", "--overall"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0].endswith(",Overall,Weight")
    assert len(_robvis_captions(out, overall=True)) == 7


def test_names_are_valid_r_names_and_unique_within_a_category() -> None:
    for item, name in MMAT_NAMES.items():
        assert _make_names(name) == name, item
    for category in "12345":
        names = [MMAT_NAMES["S1"], MMAT_NAMES["S2"], *(MMAT_NAMES[f"{category}.{i}"] for i in range(1, 6))]
        assert len(set(names)) == 7


def test_a_sheet_r_wrote_back_with_x_names_imports(runner, ws: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "from-r.csv"
    sheet.write_text('"Study","S1","S2","X2.1","X2.2","X2.3","X2.4","X2.5","Weight"\n'
                     '"Field et al. (2013) [5]","Low","Low","Low","High","Low","Low","Some concerns",1\n',
                     encoding="utf-8")
    result = runner.invoke(main, ["-C", str(ws), "appraise", "robvis-import", str(sheet), "--reviewer", "JM"])
    assert result.exit_code == 0, result.output
    assert "1 reports" in result.output


def test_robvis_own_example_names_studies_not_in_the_review(runner, ws: Path) -> None:
    source = DATA / "data_rob1.csv"
    result = runner.invoke(main, ["-C", str(ws), "appraise", "robvis-import", str(source), "--category", "2",
                                  "--reviewer", "JM"])
    assert result.exit_code == 2
    assert f"{source}:2: Study: 'Study 1' is not an included report" in result.output

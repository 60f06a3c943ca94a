"""Hostile edits to every sheet the tool reads back: decisions, appraisals, fragments, studies.

Each sheet is exported from the worked example (the repository's workspace, run once into
tmp_path), damaged the ways people damage spreadsheets (a cell replaced by something
wrong, a column dropped, a row duplicated, the file cut short, odd bytes) and imported
through the real command. Every outcome is either success or exit 2 with ``FILE:LINE``
(or the file named): never a traceback, and a refused sheet leaves the database unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.cli import main
from tests.postgres_support import database_rows

NASTY = ["", " ", "0", "-1", "999999", "yes", "no", "maybe", "include", "cant-tell", "not-applicable",
         "T1:bogus", "NOPE;;", "high", "extreme", "=1+1", "\x00", "x" * 5_000, "'); DROP TABLE works; --",
         "<script>alert(1)</script>", "دعم", "1.1", "5.5", "S1", "#1", "2020-13-45"]
#: sheet name -> (export command, import command) run with -C WORKSPACE.
SHEETS = {
    "decisions": (["screen", "export", "--stage", "title-abstract", "--output"],
                  ["screen", "import", "--stage", "title-abstract", "--reviewer", "JM"]),
    "appraisals": (["appraise", "export", "--output"], ["appraise", "import"]),
    "fragments": (["extract", "export", "--output"], ["extract", "import"]),
    "studies": (["studies", "export", "--output"], ["studies", "import"]),
}


def _run(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(main, list(args))
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, error


@pytest.fixture
def example(example_copy: Path) -> Path:
    return example_copy


def _fingerprint(db: Path) -> str:
    digest = hashlib.sha256()
    for name, rows in sorted(database_rows(db, leave=("events",)).items()):
        digest.update(repr((name, rows)).encode())
    return digest.hexdigest()


@st.composite
def damage(draw: st.DrawFn, text: str) -> bytes:
    rows = list(csv.reader(io.StringIO(text)))
    kind = draw(st.sampled_from(["cell", "cell", "cell", "drop-column", "duplicate-row", "cut", "bytes"]))
    if kind == "cell" and len(rows) > 1:
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(st.sampled_from(NASTY) | st.text(max_size=20))
    elif kind == "drop-column" and rows:
        c = draw(st.integers(0, len(rows[0]) - 1))
        rows = [row[:c] + row[c + 1:] for row in rows]
    elif kind == "duplicate-row" and len(rows) > 1:
        rows.append(rows[draw(st.integers(1, len(rows) - 1))])
    if kind in ("cell", "drop-column", "duplicate-row"):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue().encode("utf-8")
    data = text.encode("utf-8")
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "cut":
        return data[:at]
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_damaged_sheets_import_or_fail_with_file_and_line(example: Path, tmp_path: Path, sheet: str) -> None:
    export, load = SHEETS[sheet]
    original = tmp_path / f"{sheet}.csv"
    code, out, error = _run("-C", str(example), *export, str(original))
    assert code == 0 and error is None, out
    text = original.read_text(encoding="utf-8-sig")
    db = example / "review.db"

    @settings(max_examples=8, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(damage(text))
    def check(data: bytes) -> None:
        path = tmp_path / f"damaged-{sheet}.csv"
        path.write_bytes(data)
        before = _fingerprint(db)
        code, out, error = _run("-C", str(example), *load, str(path))
        assert error is None, f"{type(error).__name__}: {error}\n{out}"
        assert "Traceback" not in out
        assert code in (0, 2), out
        if code == 2:
            assert path.name in out, out
            assert _fingerprint(db) == before, "a refused sheet changed the database"

    check()

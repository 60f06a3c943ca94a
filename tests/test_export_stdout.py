"""`review export records` without --output writes to standard output, as csvkit does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def test_export_without_output_goes_to_stdout(cli) -> None:
    assert cli("import", str(DATA / "cinahl.ris"), "--source", "CINAHL", "--searched", "2024-01-01").exit_code == 0
    result = cli("export", "records")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2 and rows[0]["source"] == "CINAHL"
    ris = cli("export", "records", "--format", "ris")
    assert ris.stdout.count("TY  - ") == 2

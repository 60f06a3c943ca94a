"""Search dates: ISO and unambiguous forms accepted and stored as ISO, the rest refused with exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from review.corpus.dates import parse_search_date
from review.errors import InputError

DATA = Path(__file__).resolve().parent / "data" / "dedup"


@pytest.mark.parametrize("typed,stored", [
    ("2024-03-15", "2024-03-15"), ("2024-03", "2024-03"), ("2024", "2024"),
    ("2024/03/15", "2024-03-15"), ("2024.3.5", "2024-03-05"), ("20240315", "2024-03-15"),
    ("15 March 2024", "2024-03-15"), ("March 15, 2024", "2024-03-15"), ("15-Mar-2024", "2024-03-15"),
    ("Sept 2023", "2023-09"), (" 1st March 2020 ", "2020-03-01"), (dt.date(2020, 3, 31), "2020-03-31"),
])
def test_accepted_forms_become_iso(typed: object, stored: str) -> None:
    assert parse_search_date(typed) == stored  # type: ignore[arg-type]


@pytest.mark.parametrize("typed,why", [
    ("15/03/2024", "either way round"), ("03/04/2024", "either way round"),
    ("2024-13-45", "not a real date"), ("2023-02-29", "not a real date"),
    ("yesterday", "not a date we can read"), ("March", "not a date we can read"),
])
def test_other_forms_are_refused(typed: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as err:
        parse_search_date(typed)
    assert err.value.field == "--searched"


def test_a_future_date_is_refused() -> None:
    with pytest.raises(InputError, match="in the future"):
        parse_search_date("2024-05-02", today=dt.date(2024, 5, 1) - dt.timedelta(days=1))
    assert parse_search_date("2024-05-02", today=dt.date(2024, 5, 1)) == "2024-05-02"  # time zones


@pytest.mark.parametrize("typed", ["15/03/2024", "2024-13-45", "yesterday"])
def test_import_refuses_a_bad_date_and_writes_nothing(cli, typed: str) -> None:
    result = cli("import", str(DATA / "cinahl.ris"), "--source", "CINAHL", "--searched", typed)
    assert result.exit_code == 2
    assert "--searched" in result.output and repr(typed) in result.output
    status = json.loads(cli("status", "--json").output)
    assert status["sources"] == [] and status["records"] == 0


def test_import_stores_the_iso_form(cli) -> None:
    result = cli("import", str(DATA / "cinahl.ris"), "--source", "CINAHL", "--searched", "15 March 2024")
    assert result.exit_code == 0, result.output
    status = json.loads(cli("status", "--json").output)
    assert status["sources"][0]["searched"] == "2024-03-15"
    assert "Warning" not in result.output


def test_a_database_search_without_a_date_warns(cli) -> None:
    result = cli("import", str(DATA / "cinahl.ris"), "--source", "CINAHL")
    assert result.exit_code == 0
    assert "Warning: source 'CINAHL' has no search date" in result.output
    assert "review sources edit CINAHL --searched" in result.output
    other = cli("import", str(DATA / "scopus.ris"), "--source", "hand search", "--kind", "citation")
    assert "no search date" not in other.output


def test_sources_yaml_date_is_checked_with_its_line(tmp_path: Path, runner) -> None:
    from review.cli import main
    from review.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws")
    ws.close()
    (ws.root / "corpus" / "cinahl.ris").write_bytes((DATA / "cinahl.ris").read_bytes())
    (ws.root / "corpus" / "sources.yaml").write_text(
        "sources:\n  - file: corpus/cinahl.ris\n    source: CINAHL\n    searched: 31/03/2020\n",
        encoding="utf-8")
    result = runner.invoke(main, ["-C", str(ws.root), "run"])
    assert result.exit_code == 2
    assert "sources.yaml:4: searched: '31/03/2020'" in result.output

"""What commands say adds up and names things as the user knows them: the first dedup,
appraisal sheet imports, the interactive appraisal's design."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from review.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_first_dedup_says_how_many_records_formed_how_many_works(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "ws"
    assert runner.invoke(main, ["init", str(root)]).exit_code == 0

    def review(*args: str) -> str:
        result = runner.invoke(main, ["-C", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    review("import", str(CORPUS / "psycinfo.ris"), "--source", "PsycINFO")
    review("import", str(CORPUS / "cinahl.ris"), "--source", "CINAHL")
    first = review("dedup")
    assert "assigned to a different work" not in first and "moved" not in first
    assert "new records grouped into works" in first
    review("import", str(CORPUS / "ethos.ris"), "--source", "EThOS", "--kind", "register")
    second = review("dedup")
    assert "1 new records grouped into works" in second and "moved" not in second

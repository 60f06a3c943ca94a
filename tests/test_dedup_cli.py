"""``review dedup`` from the command line: run, dry run, check session, explain, overlap."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from review.corpus.dedup.decisions import current_decisions
from review.corpus.dedup.tables import queue
from review.store import schema
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def imported(cli, *names: str) -> None:
    for name in names:
        result = cli("import", str(DATA / name), "--source", Path(name).stem, "--quiet")
        assert result.exit_code == 0, result.output


def test_dedup_reports_what_it_did_and_dry_run_what_it_would_do(cli) -> None:
    imported(cli, "cinahl.ris", "scopus.ris", "pubmed.txt", "webofscience.ris")
    dry = cli("dedup", "--dry-run")
    assert dry.exit_code == 0
    assert "8 records would be in 4 works" in dry.output and "Dry run: nothing was written." in dry.output
    done = cli("dedup")
    assert "8 records are in 4 works (4 duplicate records" in done.output and "Changed: 4 new works" in done.output
    again = cli("dedup", "--json")
    data = json.loads(again.output)
    assert data["works"] == 4 and data["created"] == 0 and data["moved_records"] == 0
    status = cli("status")
    assert "dedup:" in status.output and "duplicate records: 4" in status.output


def test_bad_dedup_settings_are_reported(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris")
    config = workspace.config_path
    text = config.read_text(encoding="utf-8")  # review init writes [dedup] with its defaults
    config.write_text(text.replace('notices = "apart"', 'notices = "merge"', 1), encoding="utf-8")
    result = cli("dedup")
    assert result.exit_code == 2
    assert "[dedup] notices" in result.output and "apart, check, ignore" in result.output
    bad = cli("dedup", "--threshold", "1.5")
    assert bad.exit_code == 2 and "1.5" in bad.output


def open_pairs(workspace: Workspace) -> list[tuple[int, int, str]]:
    with workspace.store().read() as conn:
        return [(r.record_a, r.record_b, r.status) for r in conn.execute(select(queue).order_by(queue.c.id))]


def headers(output: str) -> list[str]:
    """The "record A | record B" line of every pair shown."""
    return [" ".join(line.split()) for line in output.splitlines() if line.strip().startswith("record ")]


def test_check_session_same_different_skip_undo_quit_and_resume(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris", "scopus.ris", "pubmed.txt", "webofscience.ris")
    queued = cli("dedup", "--threshold", "1.0")  # nothing certain: every likely pair is asked
    assert "4 uncertain pairs now wait for a person" in queued.output
    first = cli("dedup", "check", "--actor", "alice", input="y\nn\ns\nu\nq\n")
    assert first.exit_code == 0, first.output
    out = first.output
    assert out.count("Same work? [y]es / [n]o / [s]kip / [u]ndo / [q]uit") == 5
    assert "Saved: same." in out and "Saved: different." in out and "Undone: records" in out
    assert "\x1b[" not in out  # no colour when piped ...
    assert "*authors" in out  # ... differing fields are still marked
    assert "Works updated: 8 records in 7 works" in out
    with workspace.store().read() as conn:
        decisions = current_decisions(conn)
    assert [d.verdict for d in decisions.values()] == ["same"]  # "different" was undone
    statuses = [s for _, _, s in open_pairs(workspace)]
    assert statuses.count("decided") == 1 and statuses.count("open") == 3
    # resume: the undone pair comes first, the skipped one last
    shown = headers(out)
    second = cli("dedup", "check", "--actor", "alice", input="n\nn\ny\n")
    assert headers(second.output)[0] == shown[1] and headers(second.output)[-1] == shown[2]
    assert second.output.count("Saved:") == 3 and "No more uncertain pairs." in second.output
    assert "Works updated: 8 records in 6 works; 0 uncertain pairs left." in second.output
    nothing = cli("dedup", "check")
    assert "No uncertain pairs to check." in nothing.output
    with workspace.store().read() as conn:
        events = [row.action for row in conn.execute(select(schema.events))]
    assert events.count("dedup-same") == 2 and events.count("dedup-retract") == 1


def test_explain_shows_rule_and_field_scores(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris", "scopus.ris")
    cli("dedup")
    with workspace.store().read() as conn:
        work = conn.execute(select(schema.records.c.work_id).where(schema.records.c.title.like("Diving%"))).first()[0]
    result = cli("dedup", "explain", str(work))
    assert result.exit_code == 0
    out = result.output
    assert f"Work {work}: Diving dinosaurs?" in out and "2 records, matched by rule" in out
    assert "cinahl #2" in out and "scopus #1" in out
    assert "vs canonical: score" in out and "title" in out and "authors" in out and "total" in out
    data = json.loads(cli("dedup", "explain", str(work), "--json").output)
    fields = next(m for m in data["members"] if "comparison" in m)["comparison"]["fields"]
    assert fields["title"]["similarity"] == 100.0 and fields["doi"]["similarity"] == "equal"
    missing = cli("dedup", "explain", "999")
    assert missing.exit_code == 2 and "there is no work 999" in missing.output


def test_overlap_table_csv_and_heat_map(cli, workspace: Workspace, tmp_path: Path) -> None:
    imported(cli, "cinahl.ris", "scopus.ris", "pubmed.txt", "webofscience.ris")
    early = cli("dedup", "overlap")
    assert early.exit_code == 1 and "run `review dedup` first" in early.output
    cli("dedup")
    out_dir = tmp_path / "out"
    result = cli("dedup", "overlap", "--out", str(out_dir))
    assert result.exit_code == 0, result.output
    assert "Works found by both" in result.output
    with (out_dir / "dedup-overlap.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_source = {row["source"]: row for row in rows}
    assert set(by_source) == {"cinahl", "scopus", "pubmed", "webofscience"}
    assert by_source["cinahl"]["records"] == "2" and by_source["cinahl"]["unique_records"] == "0"
    assert by_source["cinahl"]["scopus"] == "1" and by_source["pubmed"]["webofscience"] == "2"
    assert all(value != "" for row in rows for value in row.values())
    assert (out_dir / "dedup-overlap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    default = cli("dedup", "overlap", "--json")
    assert json.loads(default.output)["sources"][0]["source"] == "cinahl"
    assert (workspace.root / "reports" / "dedup-overlap.csv").is_file()

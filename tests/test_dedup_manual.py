"""``review dedup merge`` / ``split`` (kept as pair verdicts) and ``explain`` of a lone record."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from review.corpus.dedup.decisions import current_decisions
from review.store import schema
from review.workspace import Workspace

DATA = Path(__file__).resolve().parent / "data" / "dedup"


def imported(cli, *names: str) -> None:
    for name in names:
        result = cli("import", str(DATA / name), "--source", Path(name).stem, "--quiet")
        assert result.exit_code == 0, result.output


def works(workspace: Workspace) -> dict[int, list[int]]:
    r = schema.records
    out: dict[int, list[int]] = {}
    with workspace.store().read() as conn:
        for rid, wid in conn.execute(select(r.c.id, r.c.work_id).order_by(r.c.id)):
            out.setdefault(int(wid), []).append(int(rid))
    return out


def test_split_and_merge_are_pair_verdicts_every_later_run_keeps(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris", "scopus.ris")
    cli("dedup")
    work, members = next((w, m) for w, m in sorted(works(workspace).items()) if len(m) == 2)
    split = cli("dedup", "split", str(work), str(members[1]))
    assert split.exit_code == 0, split.output

    def work_of(record: int) -> int:
        return next(w for w, m in works(workspace).items() if record in m)

    assert work_of(members[0]) != work_of(members[1])
    with workspace.store().read() as conn:
        assert current_decisions(conn)[(members[0], members[1])].verdict == "different"
    cli("dedup")  # a later run keeps the split
    a, b = work_of(members[0]), work_of(members[1])
    assert a != b

    merged = cli("dedup", "merge", str(a), str(b))
    assert merged.exit_code == 0, merged.output
    assert work_of(members[0]) == work_of(members[1]) == min(a, b)
    cli("dedup")
    assert work_of(members[0]) == work_of(members[1])


def test_merge_and_split_reject_bad_ids(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris")
    cli("dedup")
    first = min(works(workspace))
    assert cli("dedup", "merge", str(first), "9999").exit_code == 2
    assert cli("dedup", "merge", str(first), str(first)).exit_code == 2
    other = max(works(workspace))
    result = cli("dedup", "split", str(first), str(works(workspace)[other][0]))
    assert result.exit_code == 2 and "is not in work" in result.output


def test_explain_of_a_lone_record_lists_the_near_records_and_why(cli, workspace: Workspace) -> None:
    imported(cli, "cinahl.ris", "scopus.ris")
    cli("dedup")
    work, members = next((w, m) for w, m in sorted(works(workspace).items()) if len(m) == 2)
    cli("dedup", "split", str(work), str(members[1]))
    work = next(w for w, m in works(workspace).items() if m == [members[0]])
    result = cli("dedup", "explain", str(work))
    assert result.exit_code == 0
    assert "Near records considered" in result.output
    assert f"record {members[1]}" in result.output and "tester said different" in result.output
    data = json.loads(cli("dedup", "explain", str(work), "--json").output)
    assert data["near"][0]["record"] == members[1] and "score" in data["near"][0]

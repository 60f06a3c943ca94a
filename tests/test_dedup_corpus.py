"""The worked example's corpus (corpus/ at the repository root): dedup finds exactly its works.

corpus/README.md lists, per work, where each record is (file and position), and the
near-misses that must stay apart (Cust 2016 twice, Field 2013a/b, Shorey part 1/2, Dennis
2009 trial and commentary, ...). Every record comes through the importers named in
corpus/sources.yaml.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlalchemy import select

from review.corpus import import_files
from review.corpus.dedup import dedup
from review.store import Store, schema

REPO = Path(__file__).resolve().parent.parent
FILES = {"CINAHL": "cinahl.ris", "PubMed": "pubmed.txt", "Scopus": "scopus.csv", "PsycInfo": "psycinfo.ris",
         "citations": "citations.ris", "EThOS": "ethos.ris", "organisations": "organisations.ris"}


def expected_works() -> dict[str, set[tuple[str, int]]]:
    """work -> {(file, position)} from the README's "Works, and where each record is" table."""
    text = (REPO / "corpus" / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| work | short reference"):]
    works: dict[str, set[tuple[str, int]]] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        works[cells[0]] = {(FILES[m.group(1)], int(m.group(2)))
                           for m in re.finditer(r"(\w+) (\d+)", cells[4]) if m.group(1) in FILES}
    return works


def test_the_worked_example_corpus_deduplicates_to_its_74_works(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'review.db'}")
    try:
        plan = yaml.safe_load((REPO / "corpus" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
        for entry in plan:
            import_files(store, [REPO / entry["file"]], actor="tester", source=entry["source"],
                         fmt=entry.get("format", "auto"), kind=entry.get("kind", "database"))
        result = dedup(store, actor="tester")
        r, s = schema.records, schema.sources
        with store.read() as conn:
            rows = conn.execute(select(s.c.file_name, r.c.position, r.c.work_id).join(s, s.c.id == r.c.source_id)).all()
    finally:
        store.close()
    found: dict[int, set[tuple[str, int]]] = {}
    for file_name, position, work in rows:
        found.setdefault(work, set()).add((file_name, position))
    expected = expected_works()
    assert result.records == 213 and len(expected) == 74
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, expected.values()))
    assert result.queue_open == 0

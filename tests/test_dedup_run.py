"""What a user notices of ``review dedup`` on real exports: groups, guards, stable ids, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from review.corpus import import_files
from review.corpus.dedup import dedup, live_work_id
from review.corpus.dedup.decisions import record_pair_decision, retract_pair_decision
from review.corpus.dedup.settings import DedupSettings
from review.corpus.dedup.tables import pair_decisions, queue, runs, works_x
from review.errors import NotFound
from review.store import Store, schema

DATA = Path(__file__).resolve().parent / "data" / "dedup"
FIRST = ["cinahl.ris", "embase.ris", "hair2023_diabetes_sample.csv"]
LATER = ["scopus.ris", "pubmed.txt", "webofscience.ris", "hair2023_neuroimaging_sample.csv"]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 'review.db'}")
    yield s
    s.close()


def load(store: Store, *names: str) -> None:
    for name in names:
        import_files(store, [DATA / name], actor="tester", source=Path(name).stem)


def work_of(store: Store) -> dict[tuple[str, str], int]:
    """(source, source id or position) -> work id."""
    r, s = schema.records, schema.sources
    with store.read() as conn:
        rows = conn.execute(select(s.c.name, r.c.source_ref, r.c.position, r.c.work_id)
                            .join(s, s.c.id == r.c.source_id)).all()
    return {(row.name, row.source_ref or str(row.position)): row.work_id for row in rows}


def title_work(store: Store, source: str, title_start: str) -> set[int]:
    r, s = schema.records, schema.sources
    with store.read() as conn:
        return {w for (w,) in conn.execute(
            select(r.c.work_id).join(s, s.c.id == r.c.source_id)
            .where(s.c.name == source, r.c.title.like(f"{title_start}%")))}


def snapshot(store: Store) -> dict[str, list]:
    with store.read() as conn:
        return {
            "works": [tuple(row) for row in conn.execute(select(works_x).order_by(works_x.c.id))],
            "records": [tuple(row) for row in conn.execute(
                select(schema.records.c.id, schema.records.c.work_id).order_by(schema.records.c.id))],
            "queue": [tuple(row) for row in conn.execute(select(queue).order_by(queue.c.id))],
            "runs": [tuple(row) for row in conn.execute(select(runs))],
            "events": [conn.execute(select(func.count()).select_from(schema.events)).scalar_one()],
        }


def test_cross_database_duplicates_merge_and_different_reports_stay_apart(store: Store) -> None:
    load(store, *FIRST, *LATER)
    result = dedup(store, actor="tester")
    assert result.records == 30 and result.conflicts == []
    works = work_of(store)
    # "Diving dinosaurs?": CINAHL (full given names, pages 1-79) and Scopus (initials, article number)
    assert title_work(store, "cinahl", "Diving") == title_work(store, "scopus", "Diving")
    # PubMed (MEDLINE) with Web of Science, whose title lost a space ("Spinosaurusis not ...")
    assert title_work(store, "pubmed", "Spinosaurus") == title_work(store, "webofscience", "Spinosaurus")
    assert title_work(store, "pubmed", "Consumption") == title_work(store, "webofscience", "Consumption")
    assert title_work(store, "pubmed", "Osteohistological") == title_work(store, "cinahl", "Osteohistological")
    hair = "hair2023_diabetes_sample"
    abstract = {works[(hair, ref)] for ref in ("1514", "1686", "399", "1139")}
    article = {works[(hair, ref)] for ref in ("1515", "1687", "255", "52", "784", "998")}
    assert len(abstract) == 1 and len(article) == 1  # abbreviated and full journal names, DOI or not
    assert abstract != article  # a meeting abstract and the article, two DOIs: two works
    assert works[(hair, "623")] == works[(hair, "1370")] != works[(hair, "670")] == works[(hair, "1418")]
    # one database attached another article's DOI; the full citation outweighs it
    neuro = "hair2023_neuroimaging_sample"
    assert len({works[(neuro, ref)] for ref in ("1524", "2000", "3052", "3419")}) == 1


def test_an_erratum_stays_apart_from_the_article_it_corrects(store: Store) -> None:
    load(store, "embase.ris")
    dedup(store, actor="tester")
    assert len(set(work_of(store).values())) == 4


def test_records_without_title_authors_or_with_only_a_doi_are_safe(store: Store, tmp_path: Path) -> None:
    ris = tmp_path / "odd.ris"
    ris.write_text(
        "TY  - JOUR\nDO  - 10.1038/s41598-017-11538-w\nER  - \n\n"
        "TY  - JOUR\nDO  - 10.1038/s41598-017-11538-w\nER  - \n\n"
        "TY  - JOUR\nAU  - Smith, J\nPY  - 2010\nER  - \n\n"
        "TY  - JOUR\nAU  - Smith, J\nPY  - 2010\nER  - \n\n"
        "TY  - JOUR\nTI  - Editorial\nAU  - Jones, A\nJO  - BMJ\nPY  - 2010\nER  - \n\n"
        "TY  - JOUR\nTI  - Editorial\nAU  - Brown, B\nJO  - BMJ\nPY  - 2010\nER  - \n\n"
        "TY  - JOUR\nTI  - Peer support for mothers with postnatal depression: a trial\nER  - \n\n"
        "TY  - JOUR\nTI  - Peer support for mothers with postnatal depression: a trial\nER  - \n",
        encoding="utf-8",
    )
    load(store, "webofscience.ris")
    import_files(store, [ris], actor="tester", source="odd")
    result = dedup(store, actor="tester")
    works = work_of(store)
    odd = [works[("odd", str(i))] for i in range(1, 9)]
    assert len(set(odd[:6])) == 6  # a DOI alone, an author and year alone, "Editorial": never merged
    assert works[("webofscience", "WOS:000411416400001")] not in odd  # nor with the article of that DOI
    assert odd[6] != odd[7] and result.queue_open >= 1  # a bare title is asked about, not merged


def test_running_twice_changes_nothing(store: Store) -> None:
    load(store, *FIRST, *LATER)
    first = dedup(store, actor="tester")
    before = snapshot(store)
    again = dedup(store, actor="tester")
    assert first.changed and not again.changed
    after = snapshot(store)
    assert after["works"] == before["works"] and after["records"] == before["records"]
    assert after["queue"] == before["queue"] and after["runs"] == before["runs"]


def test_dry_run_reports_changes_and_writes_nothing(store: Store) -> None:
    load(store, *FIRST)
    before = snapshot(store)
    result = dedup(store, actor="tester", dry_run=True)
    assert result.dry_run and result.created == result.works > 0 and result.moved_records == result.records
    assert snapshot(store) == before


def test_work_ids_are_stable_when_new_searches_are_imported(store: Store) -> None:
    load(store, *FIRST)
    dedup(store, actor="tester")
    old = work_of(store)
    diving = title_work(store, "cinahl", "Diving")
    load(store, *LATER)
    result = dedup(store, actor="tester")
    new = work_of(store)
    assert all(new[key] == work for key, work in old.items())  # every old record keeps its work
    assert title_work(store, "scopus", "Diving") == diving  # the new duplicate joins it
    assert result.merged == [] and result.created > 0
    assert min(w for k, w in new.items() if k not in old and w not in old.values()) > max(old.values())


def test_a_later_run_that_merges_works_keeps_the_lowest_id(store: Store) -> None:
    load(store, *FIRST, *LATER)
    dedup(store, actor="tester", settings=DedupSettings(threshold=1.0))  # nothing is certain: no merges
    assert len(set(work_of(store).values())) == 30
    result = dedup(store, actor="tester")
    assert result.merged  # works that now belong together
    with store.read() as conn:
        for gone, survivor in result.merged:
            assert survivor < gone
            assert live_work_id(conn, gone) == survivor
        with pytest.raises(NotFound, match="no work 999"):
            live_work_id(conn, 999)
        # nothing is deleted: every work row is still there
        assert conn.execute(select(func.count()).select_from(works_x)).scalar_one() == 30


def test_a_persons_different_splits_a_work_and_survives_new_imports(store: Store) -> None:
    load(store, "cinahl.ris", "scopus.ris", "pubmed.txt")
    dedup(store, actor="tester")
    work = title_work(store, "cinahl", "Osteohistological").pop()
    r = schema.records
    with store.read() as conn:
        canonical = conn.execute(select(works_x.c.canonical_record_id).where(works_x.c.id == work)).scalar_one()
        other = conn.execute(select(r.c.id).where(r.c.work_id == work, r.c.id != canonical)).scalar_one()
    with store.transaction() as conn:
        record_pair_decision(conn, canonical, other, "different", actor="alice")
    dedup(store, actor="tester")
    with store.read() as conn:
        assert conn.execute(select(r.c.work_id).where(r.c.id == canonical)).scalar_one() == work  # keeps its id
        split_off = conn.execute(select(r.c.work_id).where(r.c.id == other)).scalar_one()
    assert split_off != work
    load(store, "webofscience.ris", "embase.ris")
    dedup(store, actor="tester")
    with store.read() as conn:
        assert conn.execute(select(r.c.work_id).where(r.c.id == other)).scalar_one() == split_off
        assert conn.execute(select(func.count()).select_from(pair_decisions)).scalar_one() == 1
    # undoing the decision lets them merge again; the split-off work points at the survivor
    with store.transaction() as conn:
        retract_pair_decision(conn, canonical, other, actor="alice")
    result = dedup(store, actor="tester")
    assert (split_off, work) in result.merged


def test_a_persons_same_is_applied_and_kept(store: Store) -> None:
    load(store, "embase.ris")
    dedup(store, actor="tester")
    r = schema.records
    with store.read() as conn:
        ids = [i for (i,) in conn.execute(select(r.c.id).where(r.c.title.like("%remarkable assemblage%")))]
    with store.transaction() as conn:
        record_pair_decision(conn, ids[0], ids[1], "same", actor="alice")
    result = dedup(store, actor="tester")
    assert len(result.merged) == 1
    load(store, "cinahl.ris")
    dedup(store, actor="tester")
    with store.read() as conn:
        assert len({w for (w,) in conn.execute(select(r.c.work_id).where(r.c.id.in_(ids)))}) == 1
        events = conn.execute(select(schema.events.c.actor, schema.events.c.action)).all()
    assert ("alice", "dedup-same") in events and ("tester", "dedup") in events

"""Reviewers' queues in one process share the ranking features (review.screening.feature_cache)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from review.screening import feature_cache
from review.screening.criteria import load_criteria
from review.screening.prioritise import Ranker
from review.screening.queue import ScreeningQueue
from review.store import Store, now, schema
from review.workspace import Workspace

STAGE = "title-abstract"


@pytest.fixture
def opened(example_copy: Path):
    workspace = Workspace.find(example_copy)
    store = Store.open(workspace.db_url)
    feature_cache.clear()
    yield store, load_criteria(workspace.path("protocols", "criteria.yaml"))
    store.close()
    feature_cache.clear()


def test_two_reviewers_share_the_matrix_and_rank_by_their_own_labels(opened) -> None:
    store, criteria = opened
    options = {"stage": STAGE, "reviewers_per_work": 2, "criteria": criteria}
    with store.read() as conn:
        sa = ScreeningQueue(conn, reviewer="SA", **options)
        jm = ScreeningQueue(conn, reviewer="JM", **options)
    assert sa.ranker is not jm.ranker
    assert sa.ranker.X is jm.ranker.X
    assert sa.ranker.keyword_scores is jm.ranker.keyword_scores
    assert sa.labels != jm.labels  # blinded: each learns from their own decisions only
    # Each ranks as a ranker of its own, built apart, would with their labels.
    include, exclude = sa.keywords
    for queue in (sa, jm):
        alone = Ranker([queue.works[w].text for w in queue.ids], include_keywords=include,
                       exclude_keywords=exclude, protocol=queue.protocol)
        assert alone.X is not queue.ranker.X
        assert list(queue.ranker.scores(queue.labels)) == pytest.approx(list(alone.scores(queue.labels)))
        assert queue.ranker.order(queue.labels) == alone.order(queue.labels)
    # The score caches stay apart: asking one does not change what the other answers.
    before = jm.ranker.scores(jm.labels)
    sa.ranker.scores(sa.labels)
    assert list(jm.ranker.scores(jm.labels)) == list(before)
    assert sa.ranker._cache_key != jm.ranker._cache_key


def test_new_works_give_a_new_matrix(opened) -> None:
    store, criteria = opened
    options = {"stage": STAGE, "reviewer": "SA", "criteria": criteria}
    with store.read() as conn:
        first = ScreeningQueue(conn, **options)
    with store.transaction() as conn:  # a new work, as after a new import and dedup
        new_id = conn.execute(select(func.max(schema.works.c.id))).scalar_one() + 1
        conn.execute(insert(schema.works).values(id=new_id, title="A new trial of text message reminders",
                                                 abstract="Reminders and attendance.",
                                                 created_at=now(), updated_at=now()))
    with store.read() as conn:
        second = ScreeningQueue(conn, **options)
    assert second.ranker.X is not first.ranker.X
    assert second.ranker.X.shape[0] == first.ranker.X.shape[0] + 1


def test_features_are_built_once_for_callers_at_the_same_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    feature_cache.clear()
    built: list[int] = []
    original = Ranker.__init__

    def counting(self, *args, **kwargs) -> None:
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Ranker, "__init__", counting)
    texts = [f"study {i} of text messages and attendance" for i in range(50)]
    got: list[Ranker] = []
    threads = [threading.Thread(target=lambda: got.append(feature_cache.shared_ranker(texts, seed=1)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(got) == 8
    assert len({id(r) for r in got}) == 8 and len({id(r.X) for r in got}) == 1
    # Bounded: the oldest feature sets are forgotten.
    for k in range(feature_cache.MAX_ENTRIES):
        feature_cache.shared_ranker(texts, seed=100 + k)
    feature_cache.shared_ranker(texts, seed=1)
    assert len(built) == 1 + feature_cache.MAX_ENTRIES + 1  # seed=1 was forgotten, built again
    feature_cache.clear()

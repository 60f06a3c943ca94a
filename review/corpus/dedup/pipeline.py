"""The dedup core on in-memory arrays: keys -> block -> score -> cluster.

No database here: :func:`find_groups` takes :class:`~review.corpus.dedup.keys.RecordKeys`
and returns groups of record indices, the uncertain pairs for the queue and timings per
step. ``review.corpus.dedup.run`` wraps it with loading, merging and writing; the scale
benchmark calls it directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from review.corpus.dedup.block import block
from review.corpus.dedup.cluster import Clustering, cluster
from review.corpus.dedup.keys import RecordKeys
from review.corpus.dedup.score import MAYBE, Scored, score_pairs
from review.corpus.dedup.settings import DedupSettings


@dataclass
class QueuedPair:
    """An uncertain pair whose records ended in different groups."""

    left: int  # record index
    right: int
    score: float
    guard: str


@dataclass
class Groups:
    """What the core found."""

    clustering: Clustering
    queue: list[QueuedPair]
    candidates: int
    passes: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)


def find_groups(
    keys: RecordKeys,
    settings: DedupSettings,
    *,
    sticky: dict[int, int] | None = None,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
    rare_words: bool | None = None,
) -> Groups:
    """Group records (by index into ``keys``); see :func:`review.corpus.dedup.cluster.cluster`
    (``rare_words``: see :func:`review.corpus.dedup.block.block`)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    cands = block(keys, rare_words=rare_words)
    timings["block"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    scored = score_pairs(keys, cands.left, cands.right, settings)
    timings["score"] = time.perf_counter() - t0

    extra: list[Scored] = []

    def rescore(left: np.ndarray, right: np.ndarray) -> Scored:
        result = score_pairs(keys, left, right, settings)
        extra.append(result)
        return result

    t0 = time.perf_counter()
    clustering = cluster(
        len(keys), scored, rescore, completeness=keys.complete, record_ids=keys.ids,
        sticky=sticky, same=same, different=different,
    )
    timings["cluster"] = time.perf_counter() - t0

    return Groups(
        clustering=clustering,
        queue=uncertain_pairs(clustering.labels(len(keys)), (scored, *extra)),
        candidates=len(cands),
        passes=cands.passes,
        timings=timings,
    )


def uncertain_pairs(labels: np.ndarray, results: Iterable[Scored]) -> list[QueuedPair]:
    """The queue: one uncertain pair per two groups, the likeliest.

    A person's answer on that pair settles the two groups ("same" unites them; after
    "different" the other uncertain pairs between them are not asked), so four copies of an
    abstract against four copies of an article are one question, not sixteen.
    """
    best: dict[tuple[int, int], QueuedPair] = {}
    for result in results:
        idx = np.flatnonzero(result.decision == MAYBE)
        idx = idx[labels[result.left[idx]] != labels[result.right[idx]]]
        for k in idx.tolist():
            a, b = int(result.left[k]), int(result.right[k])
            la, lb = int(labels[a]), int(labels[b])
            groups = (la, lb) if la < lb else (lb, la)
            pair = QueuedPair(min(a, b), max(a, b), float(result.score[k]), str(result.guard[k]))
            held = best.get(groups)
            if held is None or (-pair.score, pair.left, pair.right) < (-held.score, held.left, held.right):
                best[groups] = pair
    return sorted(best.values(), key=lambda q: (-q.score, q.left, q.right))

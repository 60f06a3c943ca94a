"""Which labelled duplicates a person is never offered: neither merged nor queued.

A labelled duplicate pair is *offered* when its two records end in one group (merged) or
when a queued pair joins their two groups (a person answering "same" to that pair unites
them). The rest are **never offered**: nobody sees them unless they go looking. Used by
``benchmarks/dedup_damage.py``; counted per set and damage class, with the queue's size
per 1,000 records so that a smaller "never offered" is not bought with a flood of pairs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from review.corpus.dedup.pipeline import Groups


@dataclass
class Offered:
    """What the queue offers: labelled pairs never offered, and the queue's size."""

    never: int  # labelled duplicate pairs neither merged nor offered in the queue
    missed: int  # labelled duplicate pairs not merged (offered or not)
    queued: int  # pairs in the queue
    records: int

    @property
    def per_1000(self) -> float:
        return 1000 * self.queued / self.records if self.records else 0.0


def offered(found: Groups, ids: list[str], truth: list[list[str]]) -> Offered:
    """Count the labelled pairs (``truth`` groups of keys) the run neither merged nor queued;
    ``ids[i]`` is the truth's key of record index ``i``."""
    labels = found.clustering.labels(len(ids))
    where = {k: int(labels[i]) for i, k in enumerate(ids)}
    joined = {tuple(sorted((int(labels[q.left]), int(labels[q.right])))) for q in found.queue}
    never = missed = 0
    for group in truth:
        present = sorted({k for k in group if k in where})
        for a, b in itertools.combinations(present, 2):
            la, lb = where[a], where[b]
            if la == lb:
                continue
            missed += 1
            if (min(la, lb), max(la, lb)) not in joined:
                never += 1
    return Offered(never=never, missed=missed, queued=len(found.queue), records=len(ids))


def offered_table(rows: list[dict[str, Any]]) -> str:
    """Markdown table: per set and class, labelled pairs missed, never offered, queue size."""
    lines = ["| set | damage | labelled pairs not merged | never offered | queued pairs | queued per 1,000 records |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        o: Offered = r["offered"]
        lines.append(f"| {r['set']} | {r['damage']} | {o.missed} | {o.never} | {o.queued} | {o.per_1000:.1f} |")
    total_never = sum(r["offered"].never for r in rows)
    total_missed = sum(r["offered"].missed for r in rows)
    lines.append(f"\nnever offered: {total_never} of {total_missed} labelled pairs not merged, over "
                 f"{len(rows)} set/class runs; queue {min((r['offered'].per_1000 for r in rows), default=0):.1f} to "
                 f"{max((r['offered'].per_1000 for r in rows), default=0):.1f} pairs per 1,000 records")
    return "\n".join(lines)

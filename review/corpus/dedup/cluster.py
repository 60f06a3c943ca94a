"""Step 4, cluster: group records into works without chaining.

Pairs scored "same" form a graph; a connected component can be a chain (A~B, B~C, but A
and C differ), so components are not groups. Within each component a canonical record is
chosen and every record joins its group only if it matches that canonical record itself
(a "star", never a chain). The remaining records of the component repeat the process.

The canonical record of a component is, in order of preference: the canonical record of
an existing work (the lowest work id first, so that re-running changes nothing), the
record with the most "same" partners, the most complete record, the lowest record id.

A person's decisions always win: a "different" pair never ends in one group (the later
record to join is left out), and a "same" pair's two groups are united afterwards unless
that would put a "different" pair together (a conflict, reported, never resolved silently).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from review.corpus.dedup.score import SAME, Scored

#: Components larger than this are not scored pair by pair; only pairs already scored
#: (and the canonical record against each member) are used.
FULL_PAIRS_LIMIT = 120


@dataclass
class Link:
    """How a record joined its group: the pair (member, canonical) that admitted it."""

    score: float
    rule: str
    via: str  # "auto" (scored) or "person" (a pair decision)


@dataclass
class Clustering:
    """Groups of record indices (each with its canonical record first)."""

    groups: list[list[int]]
    links: dict[int, Link] = field(default_factory=dict)  # member index -> how it joined
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # "same" decisions not applied

    def labels(self, n: int) -> np.ndarray:
        out = np.full(n, -1, dtype=np.int64)
        for g, members in enumerate(self.groups):
            out[members] = g
        return out


class _PairTable:
    """Scores of pairs looked up by (i, j), i < j."""

    def __init__(self) -> None:
        self.same: dict[tuple[int, int], tuple[float, str]] = {}
        self.scored: set[tuple[int, int]] = set()

    def add(self, scored: Scored, mask: np.ndarray | None = None) -> None:
        idx = np.flatnonzero(mask) if mask is not None else np.arange(len(scored))
        for i, j, d, s, r in zip(scored.left[idx].tolist(), scored.right[idx].tolist(), scored.decision[idx].tolist(),
                                 scored.score[idx].tolist(), scored.rule[idx].tolist(), strict=True):
            key = (i, j) if i < j else (j, i)
            self.scored.add(key)
            if d == SAME:
                self.same[key] = (s, r)

    def match(self, i: int, j: int) -> tuple[float, str] | None:
        return self.same.get((i, j) if i < j else (j, i))


def _components(n: int, left: np.ndarray, right: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """(components with more than one member, each sorted; component label per record or -1)."""
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(left) == 0:
        return [], labels
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, found = connected_components(graph, directed=False)
    order = np.argsort(found, kind="stable")
    cuts = np.flatnonzero(np.diff(found[order])) + 1
    comps = [c for c in np.split(order, cuts) if len(c) > 1]
    for k, comp in enumerate(comps):
        labels[comp] = k
    return comps, labels


def cluster(
    n: int,
    scored: Scored,
    rescore: Callable[[np.ndarray, np.ndarray], Scored],
    *,
    completeness: np.ndarray,
    record_ids: np.ndarray,
    sticky: dict[int, int] | None = None,
    same: Iterable[tuple[int, int]] = (),
    different: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Group ``n`` records.

    Args:
        n: number of records (indices 0..n-1).
        scored: the scored candidate pairs.
        rescore: scores further pairs (index arrays) on demand, e.g. canonical vs member.
        completeness: per record, how complete it is (prefer as canonical).
        record_ids: per record, its database id (the final tie-break).
        sticky: record index -> work id, for records that are the canonical record of an
            existing live work (preferred as canonical, lowest work id first).
        same / different: a person's decisions, as index pairs.
    """
    sticky = sticky or {}
    cannot: dict[int, set[int]] = defaultdict(set)
    for a, b in different:
        cannot[a].add(b)
        cannot[b].add(a)
    same_pairs = [(a, b) for a, b in same if a != b]

    keep = scored.decision == SAME
    comps, labels = _components(n, scored.left[keep], scored.right[keep])
    # only pairs inside a component matter from here on
    table = _PairTable()
    inside = (labels[scored.left] >= 0) & (labels[scored.left] == labels[scored.right])
    table.add(scored, inside)

    # Score every unscored pair inside small components at once.
    need_l: list[int] = []
    need_r: list[int] = []
    for comp in comps:
        if len(comp) > FULL_PAIRS_LIMIT:
            continue
        members = comp.tolist()
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                key = (members[x], members[y])
                if key not in table.scored:
                    need_l.append(key[0])
                    need_r.append(key[1])
    if need_l:
        table.add(rescore(np.asarray(need_l, dtype=np.int64), np.asarray(need_r, dtype=np.int64)))

    groups: list[list[int]] = []
    links: dict[int, Link] = {}
    big = [comp.tolist() for comp in comps if len(comp) > FULL_PAIRS_LIMIT]
    for members in big:
        _score_star_pairs(members, table, rescore, completeness, record_ids, sticky)
    adjacency: dict[int, set[int]] = defaultdict(set)
    for a, b in table.same:
        adjacency[a].add(b)
        adjacency[b].add(a)
    for comp in comps:
        _star_groups(comp.tolist(), table, adjacency, completeness, record_ids, sticky, cannot, groups, links)
    grouped = {m for g in groups for m in g}
    groups.extend([i] for i in range(n) if i not in grouped)
    conflicts = _apply_same(groups, same_pairs, cannot, links)
    return Clustering(groups=groups, links=links, conflicts=conflicts)


def _order_key(i: int, degree: int, completeness: np.ndarray, record_ids: np.ndarray,
               sticky: dict[int, int]) -> tuple:
    return (0 if i in sticky else 1, sticky.get(i, 0), -degree, -float(completeness[i]), int(record_ids[i]))


def _score_star_pairs(members: list[int], table: _PairTable, rescore: Callable[[np.ndarray, np.ndarray], Scored],
                      completeness: np.ndarray, record_ids: np.ndarray, sticky: dict[int, int]) -> None:
    """For a large component, score its likeliest canonical records against every member."""
    member_set = set(members)
    degree: dict[int, int] = defaultdict(int)
    for a, b in table.same:
        if a in member_set and b in member_set:
            degree[a] += 1
            degree[b] += 1
    heads = sorted(members, key=lambda i: _order_key(i, degree[i], completeness, record_ids, sticky))[:20]
    need_l, need_r = [], []
    for h in heads:
        for m in members:
            if m != h and (min(h, m), max(h, m)) not in table.scored:
                need_l.append(min(h, m))
                need_r.append(max(h, m))
    if need_l:
        table.add(rescore(np.asarray(need_l, dtype=np.int64), np.asarray(need_r, dtype=np.int64)))


def _star_groups(members: list[int], table: _PairTable, adjacency: dict[int, set[int]],
                 completeness: np.ndarray, record_ids: np.ndarray, sticky: dict[int, int],
                 cannot: dict[int, set[int]], groups: list[list[int]], links: dict[int, Link]) -> None:
    remaining = set(members)
    while remaining:
        head = min(remaining, key=lambda i: _order_key(i, len(adjacency[i] & remaining), completeness,
                                                       record_ids, sticky))
        group = [head]
        blocked = set(cannot.get(head, ()))
        candidates = []
        for m in adjacency[head] & remaining:
            hit = table.match(head, m)
            if hit:
                candidates.append((-hit[0], int(record_ids[m]), m, hit))
        for _, _, m, hit in sorted(candidates):
            if m in blocked:
                continue
            group.append(m)
            blocked |= cannot.get(m, set())
            links[m] = Link(score=hit[0], rule=hit[1], via="auto")
        remaining -= set(group)
        groups.append(group)


def _apply_same(groups: list[list[int]], same_pairs: list[tuple[int, int]], cannot: dict[int, set[int]],
                links: dict[int, Link]) -> list[tuple[int, int]]:
    """Unite the groups of each "same" pair unless that joins a "different" pair."""
    if not same_pairs:
        return []
    where = {m: g for g, members in enumerate(groups) for m in members}
    conflicts: list[tuple[int, int]] = []
    for a, b in same_pairs:
        ga, gb = where[a], where[b]
        if ga == gb:
            continue
        first, second = (ga, gb) if ga < gb else (gb, ga)
        target, moving = groups[first], groups[second]
        if any(cannot.get(m, set()) & set(target) for m in moving):
            conflicts.append((a, b))
            continue
        # the joining group's members keep their own link to their former canonical
        # record; its canonical record joins by the person's decision
        links[moving[0]] = Link(score=1.0, rule="person", via="person")
        target.extend(moving)
        for m in moving:
            where[m] = first
        groups[second] = []
    groups[:] = [g for g in groups if g]
    return conflicts
